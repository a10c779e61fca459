"""Only public internet addresses count as public, and an address is judged as written, never looked up."""

import pytest

from host.api import host_addresses, is_loopback_host, is_public_address


@pytest.mark.parametrize("address", ["13.110.54.10", "2a02:26f0::1"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "198.51.100.7",
        "169.254.169.254",
        "10.0.0.5",
        "fe80::1%eth0",
        "::ffff:169.254.169.254",
        "2002:a9fe:a9fe::1",
        "not an address",
    ],
)
def test_other_addresses_are_not(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.8.9.10", "::1"])
def test_this_machine_is_loopback(host: str) -> None:
    assert is_loopback_host(host)


def test_a_written_address_is_not_looked_up_and_a_name_is() -> None:
    asked: list[str] = []

    def resolve(name: str) -> list[str]:
        asked.append(name)
        return ["13.110.54.10", "10.1.2.3"]

    assert host_addresses("169.254.169.254", resolve=resolve) == ["169.254.169.254"]
    assert asked == []
    assert host_addresses("hooks.example.com", resolve=resolve) == ["13.110.54.10", "10.1.2.3"]
    assert asked == ["hooks.example.com"]
