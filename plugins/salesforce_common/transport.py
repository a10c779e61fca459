"""Which URLs may carry OAuth secrets and tokens.

HTTPS to a public host everywhere, with one exception: a loopback host, named as such
(``localhost``, 127.0.0.0/8, ``::1``), where the traffic never leaves the machine (the
Salesforce emulator in tests and the demo), over http too. Private, link-local (cloud
metadata services live there) and other non-public addresses are refused, so a setting
cannot make the server send secrets inward. A name is resolved and every address it
gives is checked, when a URL is saved and again whenever it is about to be used, so a
name that pointed outward when saved cannot be pointed inward later through DNS.

oauthlib refuses every http URL unless the ``OAUTHLIB_INSECURE_TRANSPORT``
environment variable is set, its one documented switch. Setting it for the whole
process would also relax calls to remote hosts, so :func:`oauthlib_transport_for`
sets it only around oauthlib calls whose URL passed :func:`require_secure_transport`
and is a loopback http URL, and removes it when the last such call ends.
"""

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from host.api import Resolver, host_addresses, is_loopback_host, is_public_address, resolve_host
from plugins.salesforce_common.errors import ConfigurationError

INSECURE_TRANSPORT_VARIABLE = "OAUTHLIB_INSECURE_TRANSPORT"


def is_loopback_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "http" and is_loopback_host(parts.hostname or "")


def require_secure_transport(url: str, what: str, *, resolve: Resolver = resolve_host) -> str:
    """Return ``url`` if it is https to a public host, or http or https to a loopback host; refuse anything else.

    :param what: names the URL in the admin's sentence, e.g. ``"The login URL"``.
    :param resolve: how a host name becomes addresses (the system's resolver unless given).
    """
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise ConfigurationError(f"{what} {url!r} is not a web address; it must start with https://.")
    if is_loopback_host(parts.hostname):
        return url
    if parts.scheme == "http":
        raise ConfigurationError(
            f"{what} {url!r} uses plain http; Salesforce requires https (http is allowed only for this machine)."
        )
    for address in host_addresses(parts.hostname, resolve=resolve):
        if not is_public_address(address):
            raise ConfigurationError(
                f"{what} {url!r} leads to {address}, an address of a private or local network; "
                "Salesforce is on the public internet, so give its public address."
            )
    return url


def check_secure_url(what: str, *, resolve: Resolver = resolve_host) -> Callable[[Any], str | None]:
    """A settings validator: a blank value, or a URL :func:`require_secure_transport` accepts.

    :param what: names the setting in the sentence, e.g. ``"The API URL"``.
    """

    def check(value: Any) -> str | None:
        url = str(value or "").strip()
        if not url:
            return None
        try:
            require_secure_transport(url, what, resolve=resolve)
        except ConfigurationError as error:
            return str(error)
        return None

    return check


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
