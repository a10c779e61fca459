"""Plain http is allowed for this machine only, and oauthlib's switch never outlives a call."""

import os
import threading

import pytest

from plugins.salesforce_common.errors import ConfigurationError
from plugins.salesforce_common.transport import (
    INSECURE_TRANSPORT_VARIABLE,
    oauthlib_transport_for,
    require_secure_transport,
)


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
    assert require_secure_transport(url, "The login URL") == url


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
        require_secure_transport(url, "The login URL")


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
