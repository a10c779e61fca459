"""A site with the probe plugin: the library's connection views as a plugin uses them."""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from salesforce_probe import LOGIN_URL, NAME, SalesforceProbe

import host.sync
from host.extensions import db
from host.plugins import registry


@pytest.fixture
def probe_site(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app(SalesforceProbe(), PLUGHOST_EXTERNAL_URL="https://site.example.test")
    with app.app_context():
        registry.enable(NAME)
        app.extensions["plughost"].get(NAME).settings.update(
            {"consumer_key": "probe-key", "consumer_secret": "probe-secret", "login_url": LOGIN_URL}
        )
        db.session.commit()
    yield app
    host.sync.stop(app)


@pytest.fixture
def probe_admin(probe_site: Flask, make_user: Callable[..., int], log_in: Callable[..., FlaskClient]) -> FlaskClient:
    return log_in(probe_site.test_client(), make_user(probe_site, admin=True, email="owner@example.com"))
