"""Fixtures for the emulator's own tests: a server per session, an authorized REST session per test."""

from collections.abc import Iterator

import pytest
from emulator_rest_client import Api

from salesforce_emulator.testing import EmulatorHandle


@pytest.fixture
def api(emulator: EmulatorHandle) -> Iterator[Api]:
    yield Api(emulator, emulator.obtain_token())
