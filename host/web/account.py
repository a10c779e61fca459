"""A logged-in person's own account: profile, password, and deleting it."""

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import User
from host.services.auth import LoginRefused, confirm_password
from host.services.consents import USER, ConsentOrigin
from host.services.errors import InvalidValue
from host.services.users import delete_user, set_password
from host.web.forms.accounts import ChangePasswordForm, DeleteAccountForm, ProfileForm
from host.web.profile_editing import profile_form, save_profile

bp = Blueprint("account", __name__, url_prefix="/account")


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = _me()
    form = profile_form(ProfileForm, user)
    if form.validate_on_submit():
        changes = save_profile(form, user, ConsentOrigin(USER, note="on their profile page"))
        if changes is not None:
            flash("Your profile is saved." if changes else "Nothing changed.", "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> tuple[str, int] | str | Response:
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            confirm_password(user, form.current_password.data or "", ip=request.remote_addr or "")
            set_password(user, form.password.data or "")
        except LoginRefused as refusal:
            db.session.commit()
            form.current_password.errors = [refusal.message]
            if refusal.retry_after:
                return render_template("account/password.html", form=form), 429
        except InvalidValue as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash("Your password is changed.", "success")
            return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete() -> tuple[str, int] | str | Response:
    """Ask first, on a page of its own that says what goes; the password confirms."""
    user = _me()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            confirm_password(user, form.password.data or "", ip=request.remote_addr or "")
            delete_user(user)
        except LoginRefused as refusal:
            db.session.commit()
            form.password.errors = [refusal.message]
            if refusal.retry_after:
                return render_template("account/delete.html", form=form), 429
        except InvalidValue as error:
            db.session.rollback()
            form.form_errors.append(f"{error.message} Make someone else an admin first.")
        else:
            db.session.commit()
            logout_user()
            flash("Your account is deleted.", "info")
            return redirect(url_for("public.home"))
    return render_template("account/delete.html", form=form)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
