"""Fixtures for the emulator's own tests: a server per session, an authorized REST session per test."""

from collections.abc import Iterator

import pytest
from emulator_rest_client import Api
from simple_salesforce import Salesforce

from salesforce_emulator.testing import EmulatorHandle


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[Api]:
    yield Api(emulator, emulator.obtain_token())


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
