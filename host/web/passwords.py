"""Passwords without logging in: "Lost your password?", the reset link, the strength meter."""

from collections.abc import Callable

from flask import Blueprint, Flask, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import User
from host.services import login_throttle
from host.services.auth import LoginRefused, account_for_reset
from host.services.errors import InvalidValue
from host.services.password_links import InvalidLink, user_for_token
from host.services.passwords import strength
from host.services.users import set_password
from host.web.account_mail import RESET_MAX_AGE_SECONDS, RESET_PURPOSE, send_password_reset
from host.web.forms.accounts import LostPasswordForm, NewPasswordForm, PasswordStrengthForm

bp = Blueprint("passwords", __name__)

#: The one answer to a reset request, so it tells nobody whether an address has an account.
SENT_SENTENCE = (
    "If an account uses that address, a link to choose a new password is on its way there. "
    "It works once, within {hours} hours."
)


@bp.route("/lost-password", methods=["GET", "POST"])
def lost() -> tuple[str, int] | str | Response:
    form = LostPasswordForm()
    if form.validate_on_submit():
        try:
            user = account_for_reset(form.email.data or "", ip=request.remote_addr or "")
        except LoginRefused as refusal:
            db.session.commit()
            form.form_errors.append(refusal.message)
            return render_template("auth/lost_password.html", form=form), 429
        if user is not None:
            send_password_reset(user)
        db.session.commit()
        flash(SENT_SENTENCE.format(hours=RESET_MAX_AGE_SECONDS // 3600), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/lost_password.html", form=form)


def password_link_page(
    token: str,
    purpose: str,
    max_age_seconds: int,
    *,
    template: str,
    refused_status: int,
    done_sentence: str,
    after_set: Callable[[User], None] | None = None,
) -> tuple[str, int] | str | Response:
    """A page that sets a password from a signed link (a reset, or a plugin's invitation).

    A link that is tampered with, expired or already used gets its sentence and
    ``refused_status``; a password set ends the link (its token signs the old hash),
    runs ``after_set`` in the same transaction, and sends the person to log in.
    """
    try:
        user = user_for_token(token, purpose, max_age_seconds=max_age_seconds)
    except InvalidLink as refusal:
        return render_template("auth/link_refused.html", message=refusal.message), refused_status
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data or "")
        except InvalidValue as error:
            form.show_error(error)
        else:
            if after_set is not None:
                after_set(user)
            db.session.commit()
            flash(done_sentence, "success")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user, email=user.email)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset(token: str) -> tuple[str, int] | str | Response:
    return password_link_page(
        token,
        RESET_PURPOSE,
        RESET_MAX_AGE_SECONDS,
        template="auth/reset_password.html",
        refused_status=400,
        done_sentence="Your password is changed. Log in with it now.",
        after_set=lambda user: login_throttle.clear_failures(request.remote_addr or "", user.email),
    )


@bp.route("/password-strength", methods=["POST"])
def estimate() -> tuple[Response, int] | Response:
    """zxcvbn's estimate of a password being typed, for the meter beside the field."""
    form = PasswordStrengthForm()
    if not form.validate_on_submit():
        return jsonify(error="Nothing to estimate."), 400
    verdict = strength(form.password.data or "")
    return jsonify(score=verdict.score, acceptable=verdict.acceptable, sentence=verdict.sentence)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
