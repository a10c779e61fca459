"""Plain http is allowed for this machine only, no URL leads to a private address however its
name resolves, and oauthlib's switch never outlives a call."""

import os
import threading

import pytest

from plugins.salesforce_common.errors import ConfigurationError
from plugins.salesforce_common.transport import (
    INSECURE_TRANSPORT_VARIABLE,
    check_secure_url,
    oauthlib_transport_for,
    require_secure_transport,
)

#: A public address, as a resolver stub answers for Salesforce's names.
PUBLIC = "13.110.54.10"


def resolving_to(*addresses: str):
    """A resolver stub: every name resolves to ``addresses``, and each name asked is noted."""
    asked: list[str] = []

    def resolve(host: str) -> list[str]:
        asked.append(host)
        return list(addresses)

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "https://login.salesforce.com",
        "https://acme.my.salesforce.com",
        "http://127.0.0.1:8765",
        "http://127.8.9.10",
        "http://localhost:5000",
        "http://[::1]:8080",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert require_secure_transport(url, "The login URL", resolve=resolving_to(PUBLIC)) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://login.salesforce.com",
        "http://10.0.0.5",
        "http://localhost.example.com",
        "ftp://login.salesforce.com",
        "login.salesforce.com",
    ],
)
def test_anything_else_is_refused_with_a_sentence(url: str) -> None:
    with pytest.raises(ConfigurationError, match="The login URL"):
        require_secure_transport(url, "The login URL", resolve=resolving_to(PUBLIC))


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest",
        "https://10.0.0.5",
        "https://172.16.3.4:8443",
        "https://192.168.1.1",
        "https://100.64.0.1",
        "https://0.0.0.0",
        "https://224.0.0.251",
        "https://[fd00:ec2::254]",
        "https://[fe80::1]",
        "https://[::ffff:169.254.169.254]",
        "https://[2002:a9fe:a9fe::1]",
    ],
)
def test_private_link_local_and_metadata_addresses_are_refused(url: str) -> None:
    resolve = resolving_to(PUBLIC)
    with pytest.raises(ConfigurationError, match="an address of a private or local network"):
        require_secure_transport(url, "The My Domain URL", resolve=resolve)
    assert resolve.asked == [], "an address is judged as it is, never looked up"


@pytest.mark.parametrize("addresses", [("169.254.169.254",), (PUBLIC, "10.1.2.3"), ("::1",), ("127.0.0.1",)])
def test_a_name_is_refused_when_any_address_it_resolves_to_is_not_public(addresses: tuple[str, ...]) -> None:
    resolve = resolving_to(*addresses)
    with pytest.raises(ConfigurationError, match=r"acme\.my\.salesforce\.com.*private or local network"):
        require_secure_transport("https://acme.my.salesforce.com", "The My Domain URL", resolve=resolve)
    assert resolve.asked == ["acme.my.salesforce.com"]


def test_a_name_is_checked_again_each_time_so_dns_cannot_turn_it_inward_later() -> None:
    answers = [[PUBLIC], ["169.254.169.254"]]

    def resolve(_host: str) -> list[str]:
        return answers.pop(0)

    check = check_secure_url("The My Domain URL", resolve=resolve)
    assert check("https://acme.my.salesforce.com") is None
    refused = check("https://acme.my.salesforce.com")
    assert refused is not None and "169.254.169.254" in refused


def test_the_settings_validator_passes_blanks_and_gives_the_sentence() -> None:
    check = check_secure_url("The API URL", resolve=resolving_to(PUBLIC))
    assert check("") is None and check(None) is None
    assert check("https://na1.salesforce.com/services/data/v62.0") is None
    refused = check("http://169.254.169.254/latest")
    assert refused is not None and refused.startswith("The API URL") and "plain http" in refused


def test_the_insecure_transport_switch_is_set_only_during_loopback_calls() -> None:
    assert INSECURE_TRANSPORT_VARIABLE not in os.environ
    with oauthlib_transport_for("https://login.salesforce.com"):
        assert INSECURE_TRANSPORT_VARIABLE not in os.environ
    with oauthlib_transport_for("http://127.0.0.1:9/services/oauth2/token"):
        assert os.environ[INSECURE_TRANSPORT_VARIABLE] == "1"
    assert INSECURE_TRANSPORT_VARIABLE not in os.environ


def test_overlapping_loopback_calls_keep_the_switch_until_the_last_ends() -> None:
    first_inside, second_done = threading.Event(), threading.Event()

    def second_call() -> None:
        first_inside.wait()
        with oauthlib_transport_for("http://localhost:1"):
            pass
        second_done.set()

    worker = threading.Thread(target=second_call)
    worker.start()
    with oauthlib_transport_for("http://localhost:1"):
        first_inside.set()
        assert second_done.wait(5)
        assert os.environ[INSECURE_TRANSPORT_VARIABLE] == "1"
    worker.join()
    assert INSECURE_TRANSPORT_VARIABLE not in os.environ


def test_a_remote_http_url_never_reaches_oauthlib() -> None:
    with pytest.raises(ConfigurationError), oauthlib_transport_for("http://login.salesforce.com"):
        pass
