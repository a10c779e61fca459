"""A site with the shop and a listener enabled, an admin and a buyer logged in, on SQLite and PostgreSQL."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from shop_site import ShopListener, ShopSite

from host.api import Plugin, db
from host.plugins import registry
from plugins.shop import Shop


@pytest.fixture
def make_shop(
    make_app: Callable[..., Flask],
    make_user: Callable[..., int],
    log_in: Callable[[FlaskClient, int], FlaskClient],
) -> Callable[..., ShopSite]:
    def make(*, pay_at_once: bool = False, extra_plugins: tuple[Plugin, ...] = (), **config: Any) -> ShopSite:
        shop, listener = Shop(), ShopListener()
        app = make_app(shop, listener, *extra_plugins, **config)
        with app.app_context():
            for plugin in (shop, listener, *extra_plugins):
                registry.enable(plugin.name)
            shop.settings.update({"manual_pays_at_once": pay_at_once})
            db.session.commit()
        admin = log_in(app.test_client(), make_user(app, admin=True, email="owner@example.com"))
        buyer_id = make_user(app, email="buyer@example.com")
        return ShopSite(app, shop, listener, admin, buyer_id, log_in(app.test_client(), buyer_id), extra_plugins)

    return make


@pytest.fixture
def site(make_shop: Callable[..., ShopSite]) -> ShopSite:
    return make_shop()
