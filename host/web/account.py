"""A logged-in person's own profile."""

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import CustomFieldOwner
from host.services.custom_fields import defined_fields
from host.services.errors import InvalidValue
from host.services.users import update_user
from host.web.forms.accounts import ProfileForm
from host.web.forms.base import custom_initial_values, with_custom_fields

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = current_user._get_current_object()
    form_class = with_custom_fields(ProfileForm, defined_fields(CustomFieldOwner.USER))
    form = form_class(obj=user, data=custom_initial_values(user.custom_fields))
    if form.validate_on_submit():
        try:
            changes = update_user(user, form.service_values())
        except InvalidValue as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash("Your profile is saved." if changes else "Nothing changed.", "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
