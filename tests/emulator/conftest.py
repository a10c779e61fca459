"""Fixtures for the emulator's own tests: a server per session, an authorized REST session per test."""

from collections.abc import Iterator

import pytest
import requests
from emulator_rest_client import Api
from simple_salesforce import Salesforce

from salesforce_emulator.testing import EmulatorHandle


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[Api]:
    yield Api(emulator, emulator.obtain_token())


@pytest.fixture
def ui(emulator: EmulatorHandle) -> requests.Session:
    """A session signed in to the emulator's web UI with the admin token, as a browser would be."""
    browser = emulator.session()
    response = browser.post(f"{emulator.base_url}/_emulator/ui/login", data={"token": emulator.config.admin_token})
    assert response.status_code == 200 and "Objects" in response.text
    return browser


@pytest.fixture
def sf(emulator_https: EmulatorHandle) -> Iterator[Salesforce]:
    """simple-salesforce, unmodified, signed in to the emulator over HTTPS."""
    token = emulator_https.obtain_token()
    yield Salesforce(
        instance_url=token["instance_url"],
        session_id=token["access_token"],
        session=emulator_https.session(),
        version="59.0",
    )
