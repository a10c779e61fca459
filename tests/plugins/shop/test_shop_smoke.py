def test_a_buyer_buys(site):
    product_id = site.add_product()
    number = site.buy(product_id, 2)
    page = site.buyer.get(f"/shop/orders/{number}")
    assert page.status_code == 200, page.get_data(as_text=True)
    assert "25.00 USD" in page.get_data(as_text=True)
