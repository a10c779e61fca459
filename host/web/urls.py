"""Absolute URLs of the site's pages, for people to paste elsewhere."""

from typing import Any

from flask import current_app, url_for


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of a route, as the outside world reaches the site.

    For URLs that leave the site (a callback registered in another system, a webhook
    address, a link handed to a user): the site's public address
    (``PLUGHOST_EXTERNAL_URL``) when one is configured, since behind a proxy the
    request's own host may be an internal one, or one a client made up.
    """
    external = current_app.config.get("PLUGHOST_EXTERNAL_URL")
    if external:
        return f"{external.rstrip('/')}{url_for(endpoint, **values)}"
    return url_for(endpoint, _external=True, **values)
