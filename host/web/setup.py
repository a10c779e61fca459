"""First run: the page that creates the site owner's account, then disappears.

Until an admin exists, every page sends the visitor here; afterwards this page
answers 404. Once a process has seen an admin it stops asking the database.
"""

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import Role
from host.services.errors import InvalidValue
from host.services.site_settings import set_site_identity
from host.services.users import admin_count, register_user
from host.themes import STATIC_ENDPOINT
from host.web.forms.accounts import SetupForm

bp = Blueprint("setup", __name__)

SET_UP_FLAG = "plughost_set_up"
#: Endpoints that work before set-up: this page, its stylesheets and script, and its password meter.
OPEN_BEFORE_SETUP = frozenset({"setup.index", "static", STATIC_ENDPOINT, "passwords.estimate"})


def is_set_up() -> bool:
    """Whether the site has its owner, i.e. at least one admin."""
    if current_app.extensions.get(SET_UP_FLAG):
        return True
    if admin_count() > 0:
        current_app.extensions[SET_UP_FLAG] = True
        return True
    return False


def _send_to_setup() -> Response | None:
    if request.endpoint in OPEN_BEFORE_SETUP or is_set_up():
        return None
    return redirect(url_for("setup.index"))


@bp.route("/setup", methods=["GET", "POST"])
def index() -> str | Response:
    if is_set_up():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            owner = register_user(role=Role.ADMIN, **form.service_values())
        except InvalidValue as error:
            form.show_error(error)
        else:
            set_site_identity(form.site_title.data or "", form.site_tagline.data or "")
            db.session.commit()
            login_user(owner)
            flash("Your site is ready. Welcome!", "success")
            return redirect(url_for("admin_dashboard.index"))
    return render_template("setup.html", form=form)


def init_app(app: Flask) -> None:
    app.before_request(_send_to_setup)
    app.register_blueprint(bp)
