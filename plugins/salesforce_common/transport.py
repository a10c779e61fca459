"""Which URLs may carry OAuth secrets and tokens.

HTTPS everywhere, with one exception: plain http to a loopback host, where the
traffic never leaves the machine (the Salesforce emulator in tests and the demo).

oauthlib refuses every http URL unless the ``OAUTHLIB_INSECURE_TRANSPORT``
environment variable is set, its one documented switch. Setting it for the whole
process would also relax calls to remote hosts, so :func:`oauthlib_transport_for`
sets it only around oauthlib calls whose URL passed :func:`require_secure_transport`
and is a loopback http URL, and removes it when the last such call ends.
"""

import ipaddress
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from plugins.salesforce_common.errors import ConfigurationError

INSECURE_TRANSPORT_VARIABLE = "OAUTHLIB_INSECURE_TRANSPORT"


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and is_loopback_host(parts.hostname or "")


def require_secure_transport(url: str, what: str) -> str:
    """Return ``url`` if it is https, or http to a loopback host; refuse anything else.

    :param what: names the URL in the admin's sentence, e.g. ``"The login URL"``.
    """
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise ConfigurationError(f"{what} {url!r} is not a web address; it must start with https://.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigurationError(
            f"{what} {url!r} uses plain http; Salesforce requires https (http is allowed only for this machine)."
        )
    return url


class _InsecureTransportPermit:
    """Counts the loopback calls in flight, so concurrent ones share the variable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._previous: str | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._previous = os.environ.get(INSECURE_TRANSPORT_VARIABLE)
                os.environ[INSECURE_TRANSPORT_VARIABLE] = "1"
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0:
                    if self._previous is None:
                        os.environ.pop(INSECURE_TRANSPORT_VARIABLE, None)
                    else:
                        os.environ[INSECURE_TRANSPORT_VARIABLE] = self._previous


_permit = _InsecureTransportPermit()


@contextmanager
def oauthlib_transport_for(url: str) -> Iterator[None]:
    """Let oauthlib use ``url`` for the duration of the block.

    A no-op for https; for loopback http, holds the insecure-transport permit; any
    other URL is refused before oauthlib sees it.
    """
    require_secure_transport(url, "The Salesforce URL")
    if not is_loopback_http(url):
        yield
        return
    with _permit.held():
        yield
