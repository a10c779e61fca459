"""The site's pages: public, account and admin, and what every page shares."""

from flask import Flask, render_template

from host.plugins.registry import commit_recorded_errors
from host.services.site_settings import affiliate_signup_open, registration_open, site_identity
from host.web import access, account, affiliate_signup, auth, passwords, public, schema, security, setup
from host.web.admin import (
    affiliates,
    dashboard,
    mail_outbox,
    marketplace,
    menu,
    plugin_settings,
    site_settings,
    tags,
    users,
)

BLUEPRINT_MODULES = (
    public,
    setup,
    auth,
    passwords,
    account,
    affiliate_signup,
    dashboard,
    users,
    affiliates,
    tags,
    marketplace,
    plugin_settings,
    site_settings,
    mail_outbox,
)

#: Error pages rendered in the site's look instead of the server's default.
ERROR_PAGES = {
    400: "The site could not read what was sent, so nothing was changed. Reload the page and try again.",
    403: "You do not have access to this page.",
    404: "There is no page here.",
}


def _error_page(error) -> tuple[str, int]:
    return render_template("error.html", code=error.code, message=ERROR_PAGES[error.code]), error.code


def _site_context() -> dict[str, object]:
    """``site`` in every template: the title and tagline of the header and page titles."""
    return {"site": site_identity()}


def init_app(app: Flask) -> None:
    """Register every page and the rules that apply to all of them."""
    schema.init_app(app)
    security.init_app(app)
    for module in BLUEPRINT_MODULES:
        module.init_app(app)
    access.init_app(app)
    app.after_request(commit_recorded_errors)
    app.context_processor(_site_context)
    for code in ERROR_PAGES:
        app.register_error_handler(code, _error_page)
    app.jinja_env.globals.update(
        registration_open=registration_open,
        affiliate_signup_open=affiliate_signup_open,
        admin_menu=menu.admin_menu,
        admin_banners=menu.admin_banners,
    )
