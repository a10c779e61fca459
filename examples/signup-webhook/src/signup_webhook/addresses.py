"""Which webhook URLs the plugin posts to: HTTPS to the public internet only.

A webhook URL makes the site's server connect wherever it points, so one that leads
inward (a private network, the cloud metadata service at 169.254.169.254, this machine)
is refused when it is saved and again before every post, since the addresses a name
resolves to can change. A site may allow this machine, for a receiver running beside
it, with ``SIGNUP_WEBHOOK_ALLOW_LOOPBACK = True`` in its configuration, as the plugin's
tests do; plain http is then allowed to it too.
"""

from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from host.api import Resolver, host_addresses, is_loopback_host, is_public_address, resolve_host

#: The site configuration key that allows a receiver on this machine.
ALLOW_LOOPBACK = "SIGNUP_WEBHOOK_ALLOW_LOOPBACK"


def loopback_allowed() -> bool:
    """Whether the current site lets the webhook go to this machine."""
    return bool(current_app.config.get(ALLOW_LOOPBACK, False))


def url_problem(url: str, *, allow_loopback: bool, resolve: Resolver = resolve_host) -> str | None:
    """Why the plugin must not post to ``url``, in a sentence for the admin; None when it may."""
    try:
        parts = urlsplit(url)
        host, scheme = parts.hostname, parts.scheme
    except ValueError:  # a malformed address, such as an unclosed "[" of IPv6
        host, scheme = None, ""
    if not host or scheme not in ("https", "http"):
        return f"{url!r} is not a web address; it must start with https://."
    if is_loopback_host(host):
        return None if allow_loopback else f"{url!r} leads to this machine; give the receiver's public address."
    if scheme == "http":
        return f"{url!r} uses plain http; use https, so the users' details are encrypted on the way."
    for address in host_addresses(host, resolve=resolve):
        if not is_public_address(address):
            return (
                f"{url!r} leads to {address}, an address of a private or local network; "
                "give the receiver's public address."
            )
    return None


def check_url(value: Any) -> str | None:
    """The URL setting's validator: a blank (the field is required anyway) or a URL the plugin may post to."""
    url = str(value or "").strip()
    return url_problem(url, allow_loopback=loopback_allowed()) if url else None
