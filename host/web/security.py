"""Security headers on every response, cookies that stay on https, URLs that can be stored."""

from flask import Flask, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

from host.config import flag
from host.services.text import control_character_problem

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


def _refuse_control_characters_in_url() -> None:
    # Paths and query values reach queries (search boxes, filters, record keys); forms
    # check their own fields (host.web.forms.base.Form).
    texts = [request.path, *request.args.keys(), *request.args.values()]
    if any(control_character_problem(text) for text in texts):
        abort(400)


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
    app.before_request(_refuse_control_characters_in_url)
    app.after_request(_add_security_headers)
