"""Admin pages are for admins: anonymous visitors log in first, others get 403."""

from flask import Blueprint

from host.extensions import db
from host.plugins import Plugin, hookimpl, registry
from host.web.access import admin_required

ADMIN_PAGES = [
    "/admin/",
    "/admin/users/",
    "/admin/affiliates/",
    "/admin/affiliates/new",
    "/admin/tags/",
    "/admin/marketplace/",
    "/admin/settings/",
    "/admin/plugins/admin_page/settings",
    "/admin/sync/",
    "/admin/outbox/",
]


class AdminPagePlugin(Plugin):
    """A plugin with an admin page that forgot to ask for an admin, and one that asks."""

    name = "admin_page"
    title = "Admin page"

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        blueprint = Blueprint("admin_page", __name__, url_prefix="/admin/plugins/admin_page")
        blueprint.add_url_rule("/unguarded", "unguarded", lambda: "plugin page")
        outside = Blueprint("admin_page_outside", __name__, url_prefix="/plugins/admin_page")
        outside.add_url_rule("/guarded", "guarded", admin_required(lambda: "guarded page"))
        return [blueprint, outside]


def test_anonymous_visitors_are_sent_to_log_in_and_come_back(make_app, make_user):
    app = make_app()
    make_user(app, admin=True)
    client = app.test_client()
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response.location == f"/login?next={path}"


def test_non_admins_get_403_on_host_and_plugin_admin_pages(make_app, make_user, log_in):
    app = make_app(AdminPagePlugin())
    make_user(app, admin=True)
    with app.app_context():
        registry.enable("admin_page")
        db.session.commit()
    subscriber = log_in(app.test_client(), make_user(app))
    for path in [*ADMIN_PAGES, "/admin/plugins/admin_page/unguarded", "/plugins/admin_page/guarded"]:
        assert subscriber.get(path).status_code == 403, path

    admin = log_in(app.test_client(), make_user(app, admin=True))
    assert admin.get("/admin/plugins/admin_page/unguarded").text == "plugin page"
    assert admin.get("/plugins/admin_page/guarded").text == "guarded page"
    for path in ADMIN_PAGES:
        assert admin.get(path).status_code == 200, path
