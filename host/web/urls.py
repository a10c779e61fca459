"""Absolute URLs of the site's pages, for people to paste elsewhere."""

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


class NoPublicAddress(RuntimeError):
    """Outside a request, with no ``PLUGHOST_EXTERNAL_URL``: the site does not know its address."""


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of a route, as the outside world reaches the site.

    For URLs that leave the site (a callback registered in another system, a webhook
    address, a link handed to a user): the site's public address
    (``PLUGHOST_EXTERNAL_URL``) when one is configured, since behind a proxy the
    request's own host may be an internal one, or one a client made up. Outside a
    request (the sync worker mailing a link) that setting is the only address known.

    :raises NoPublicAddress: outside a request, when no public address is configured.
    """
    external = current_app.config.get("PLUGHOST_EXTERNAL_URL")
    if not has_request_context():
        if not external:
            raise NoPublicAddress("Set PLUGHOST_EXTERNAL_URL so the site can link to itself outside a request.")
        address = urlsplit(external)
        adapter = current_app.url_map.bind(
            address.netloc, script_name=address.path.rstrip("/") or "/", url_scheme=address.scheme
        )
        return adapter.build(endpoint, values, force_external=True)
    if external:
        return f"{external.rstrip('/')}{url_for(endpoint, **values)}"
    return url_for(endpoint, _external=True, **values)
