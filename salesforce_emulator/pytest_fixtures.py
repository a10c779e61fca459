"""Pytest fixtures: one emulator server per session, reset before each test.

Plughost's pytest plugin (:mod:`host.testing`) loads them for every suite; another
project can name this module in its ``pytest_plugins``.
"""

from collections.abc import Iterator

import pytest

from .testing import EmulatorHandle, running_emulator


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorHandle]:
    with running_emulator() as handle:
        yield handle


@pytest.fixture
def emulator(emulator_server: EmulatorHandle) -> EmulatorHandle:
    """A plain-HTTP emulator in its seeded state."""
    emulator_server.reset()
    return emulator_server


@pytest.fixture(scope="session")
def emulator_https_server() -> Iterator[EmulatorHandle]:
    with running_emulator(https=True) as handle:
        yield handle


@pytest.fixture
def emulator_https(emulator_https_server: EmulatorHandle) -> EmulatorHandle:
    """An HTTPS emulator (self-signed; ``handle.verify`` is the certificate path) in its seeded state."""
    emulator_https_server.reset()
    return emulator_https_server
