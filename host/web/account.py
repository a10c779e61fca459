"""A logged-in person's own profile."""

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from host.services.consents import USER, ConsentOrigin
from host.web.forms.accounts import ProfileForm
from host.web.profile_editing import profile_form, save_profile

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = current_user._get_current_object()
    form = profile_form(ProfileForm, user)
    if form.validate_on_submit():
        changes = save_profile(form, user, ConsentOrigin(USER, note="on their profile page"))
        if changes is not None:
            flash("Your profile is saved." if changes else "Nothing changed.", "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
