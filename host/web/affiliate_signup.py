"""The public affiliate sign-up page, off until the owner opens it.

Applicants become affiliates "on moderation": an admin reviews them on the
Affiliates page before they are active.
"""

from flask import Blueprint, Flask, abort, render_template
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import AffiliateStatus, CustomFieldOwner
from host.services.affiliates import create_affiliate
from host.services.custom_fields import defined_fields
from host.services.errors import InvalidValue
from host.services.site_settings import affiliate_signup_open
from host.web.forms.affiliates import AffiliateSignupForm
from host.web.forms.base import with_custom_fields

bp = Blueprint("affiliate_signup", __name__, url_prefix="/affiliates")


@bp.route("/join", methods=["GET", "POST"])
def join() -> str | Response:
    if not affiliate_signup_open():
        abort(404)
    form = with_custom_fields(AffiliateSignupForm, defined_fields(CustomFieldOwner.AFFILIATE))()
    if form.validate_on_submit():
        try:
            create_affiliate(status=AffiliateStatus.ON_MODERATION, **form.service_values())
        except InvalidValue as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            return render_template("affiliate_signup/thanks.html")
    return render_template("affiliate_signup/join.html", form=form)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
