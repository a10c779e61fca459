"""Registration, log-in and log-out, and how Flask-Login finds the current user."""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from host.extensions import db, login_manager
from host.models import CustomFieldOwner, User
from host.services.auth import LoginRefused, authenticate
from host.services.custom_fields import defined_fields
from host.services.errors import InvalidValue
from host.services.site_settings import registration_open
from host.services.users import register_user
from host.web.account_mail import send_welcome
from host.web.forms.accounts import LoginForm, RegistrationForm
from host.web.forms.base import with_custom_fields
from host.web.redirects import safe_next_url

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def _send_to_login() -> Response:
    """Send an anonymous visitor to log in, to come back to this page afterwards."""
    flash("Please log in to see that page.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _home_for(user: User) -> str:
    return url_for("admin_dashboard.index") if user.is_admin else url_for("account.profile")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    if not registration_open():
        abort(404)
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = with_custom_fields(RegistrationForm, defined_fields(CustomFieldOwner.USER))()
    if form.validate_on_submit():
        try:
            user = register_user(**form.service_values())
        except InvalidValue as error:
            form.show_error(error)
        else:
            send_welcome(user)
            db.session.commit()
            login_user(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("account.profile"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> tuple[str, int] | str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data or "", form.password.data or "", ip=request.remote_addr or "")
        except LoginRefused as refusal:
            db.session.commit()
            form.form_errors.append(refusal.message)
            if refusal.retry_after:
                return render_template("auth/login.html", form=form), 429
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")) or _home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("public.home"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
