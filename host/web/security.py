"""Security headers on every response, and cookies that stay on https."""

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from host.config import flag

#: Pages load only the site's own styles, scripts and images, and no one may frame them.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _secure_remember_cookie_over_https() -> None:
    # Flask-Login reads its cookie settings from the configuration only; a site served
    # over https keeps its year-long remember cookie to https from the first such request.
    if request.is_secure:
        current_app.config["REMEMBER_COOKIE_SECURE"] = True


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Add the headers, and make cookies Secure when configured or served over https."""
    if flag(app.config["PLUGHOST_SECURE_COOKIES"]) or app.config["PLUGHOST_EXTERNAL_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.session_interface = HttpsAwareSessionInterface()
    app.before_request(_secure_remember_cookie_over_https)
    app.after_request(_add_security_headers)
