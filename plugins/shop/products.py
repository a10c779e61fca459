"""The rules for products, which every page and plugin goes through: checked values,
a unique SKU, and ``product_saved`` fired inside the transaction of each save."""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from host.api import InvalidValue, db, notify
from plugins.shop.models import Product
from plugins.shop.snapshots import ProductSnapshot

SKU_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
#: The largest amount the tables' ``Numeric(10, 2)`` holds.
MAX_PRICE = Decimal("99999999.99")
NAME_MAX = 200
DESCRIPTION_MAX = 20_000


def check_currency(value: Any) -> str | None:
    """An ISO 4217 code: three letters, such as USD or EUR."""
    if not CURRENCY_PATTERN.match(str(value or "").strip().upper()):
        return "A currency is its three-letter ISO code, such as USD, EUR or GBP."
    return None


def price_of(value: Any) -> Decimal:
    """``value`` as a price: more than zero, at most two decimal places.

    :raises InvalidValue: for anything else, with the sentence to show.
    """
    try:
        price = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidValue("price", "A price is a number such as 12.50.") from None
    if not price.is_finite():
        raise InvalidValue("price", "A price is a number such as 12.50.")
    if price <= 0:
        raise InvalidValue("price", "A price must be more than zero.")
    # Before the places are checked: rounding a number this large needs more digits than Decimal keeps.
    if price > MAX_PRICE:
        raise InvalidValue("price", "A price must be at most 99,999,999.99.")
    if price != price.quantize(Decimal("0.01")):
        raise InvalidValue("price", "A price has at most two decimal places, such as 12.50.")
    return price.quantize(Decimal("0.01"))


def product_snapshot(product: Product | int) -> ProductSnapshot | None:
    """A frozen copy of a product (given itself or by id); None when there is no such product."""
    row = product if isinstance(product, Product) else db.session.get(Product, product)
    if row is None:
        return None
    return ProductSnapshot(
        id=row.id,
        sku=row.sku,
        name=row.name,
        price=row.price,
        currency=row.currency,
        active=row.active,
        description=row.description,
    )


def product_headings(product_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Each product's name and SKU, by id, in one query (for a page of products)."""
    rows = db.session.execute(select(Product.id, Product.name, Product.sku).where(Product.id.in_(list(product_ids))))
    return {product_id: (name, sku) for product_id, name, sku in rows}


def _checked(values: dict[str, Any], product: Product | None) -> dict[str, Any]:
    name = str(values.get("name") or "").strip()
    if not name:
        raise InvalidValue("name", "A product needs a name.")
    if len(name) > NAME_MAX:
        raise InvalidValue("name", f"A name has at most {NAME_MAX} characters.")
    sku = str(values.get("sku") or "").strip()
    if not SKU_PATTERN.match(sku):
        raise InvalidValue("sku", "A SKU is 1 to 64 letters, digits, - and _, such as TSHIRT-RED-M.")
    taken = db.session.scalar(select(Product.id).where(func.lower(Product.sku) == sku.lower()))
    if taken is not None and (product is None or taken != product.id):
        raise InvalidValue("sku", f"Another product already has the SKU {sku}.")
    currency = str(values.get("currency") or "").strip().upper()
    if problem := check_currency(currency):
        raise InvalidValue("currency", problem)
    description = str(values.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidValue("description", f"A description has at most {DESCRIPTION_MAX:,} characters.")
    return {
        "name": name,
        "sku": sku,
        "price": price_of(values.get("price")),
        "currency": currency,
        "active": bool(values.get("active")),
        "description": description,
    }


def save_product(values: dict[str, Any], product: Product | None = None) -> Product:
    """Create a product, or change ``product``, from form-like values; fires ``product_saved``.

    :raises InvalidValue: a value breaks a rule; nothing is changed.
    """
    checked = _checked(values, product)
    if product is None:
        product = Product(**checked)
        db.session.add(product)
    else:
        for key, value in checked.items():
            setattr(product, key, value)
    db.session.flush()
    notify("product_saved", product=product_snapshot(product))
    return product


def delete_product(product: Product) -> None:
    """Remove a product from the shop; orders keep their copy of it."""
    db.session.delete(product)
    db.session.flush()
