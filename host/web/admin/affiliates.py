"""The admin's Affiliates pages: list, search, moderate, create, view, edit and delete.

After a create or an edit the admin lands on the affiliate's page, where plugins'
panels (a sync notice, say) report on what the save set off.
"""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import Affiliate, AffiliateStatus, CustomFieldOwner
from host.services.affiliates import affiliates_matching, create_affiliate, delete_affiliate, update_affiliate
from host.services.custom_fields import defined_fields
from host.services.errors import InvalidValue
from host.services.users import admins
from host.snapshots import AffiliateSnapshot
from host.web.admin.consequences import delete_consequences
from host.web.admin.panels import rendered_panels
from host.web.forms.affiliates import STATUS_LABELS, AffiliateForm
from host.web.forms.base import custom_initial_values, with_custom_fields
from host.web.paging import PER_PAGE, page_number
from host.web.redirects import safe_next_url

bp = Blueprint("admin_affiliates", __name__, url_prefix="/admin/affiliates")


def _affiliate_or_404(affiliate_id: int) -> Affiliate:
    return db.session.get(Affiliate, affiliate_id) or abort(404)


def _form(affiliate: Affiliate | None = None) -> AffiliateForm:
    form_class = with_custom_fields(AffiliateForm, defined_fields(CustomFieldOwner.AFFILIATE))
    if affiliate is None:
        form = form_class()
    else:
        form = form_class(obj=affiliate, data=custom_initial_values(affiliate.custom_fields))
    form.offer_managers([(admin.id, admin.display_name) for admin in admins()])
    return form


#: What moderating an affiliate does: (the status it gets, the sentence that says so).
MODERATION = {
    "approve": (AffiliateStatus.ACTIVE, "{name} is approved and active."),
    "reject": (AffiliateStatus.SUSPENDED, "{name} was rejected and is suspended."),
}


def _status_filter() -> AffiliateStatus | None:
    """The status the list is narrowed to; an unknown one shows everyone."""
    try:
        return AffiliateStatus(request.args.get("status", ""))
    except ValueError:
        return None


@bp.route("/")
def index() -> str:
    query = request.args.get("q", "").strip()
    status = _status_filter()
    statement = affiliates_matching(query)
    if status is not None:
        statement = statement.where(Affiliate.status == status)
    page = db.paginate(statement, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/affiliates/index.html", page=page, query=query, status=status, status_labels=STATUS_LABELS
    )


@bp.route("/<int:affiliate_id>/<any(approve, reject):decision>", methods=["POST"])
def moderate(affiliate_id: int, decision: str) -> Response:
    """Approve or reject an affiliate, from the list or from its page."""
    affiliate = _affiliate_or_404(affiliate_id)
    status, sentence = MODERATION[decision]
    update_affiliate(affiliate, {"status": status})
    db.session.commit()
    flash(sentence.format(name=affiliate.display_name), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for(".show", affiliate_id=affiliate.id))


@bp.route("/new", methods=["GET", "POST"])
def create() -> str | Response:
    form = _form()
    if form.validate_on_submit():
        try:
            affiliate = create_affiliate(**form.service_values())
        except InvalidValue as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(f"{affiliate.display_name} was added.", "success")
            return redirect(url_for(".show", affiliate_id=affiliate.id))
    return render_template("admin/affiliates/form.html", form=form, affiliate=None)


@bp.route("/<int:affiliate_id>")
def show(affiliate_id: int) -> str:
    affiliate = _affiliate_or_404(affiliate_id)
    snapshot = AffiliateSnapshot.of(affiliate)
    return render_template(
        "admin/affiliates/show.html",
        affiliate=affiliate,
        status_labels=STATUS_LABELS,
        custom_fields=defined_fields(CustomFieldOwner.AFFILIATE),
        plugin_panels=rendered_panels("affiliate_admin_panels", affiliate=snapshot),
        delete_consequences=delete_consequences(snapshot),
    )


@bp.route("/<int:affiliate_id>/edit", methods=["GET", "POST"])
def edit(affiliate_id: int) -> str | Response:
    affiliate = _affiliate_or_404(affiliate_id)
    form = _form(affiliate)
    if form.validate_on_submit():
        try:
            changes = update_affiliate(affiliate, form.service_values())
        except InvalidValue as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash("The affiliate is saved." if changes else "Nothing changed.", "success")
            return redirect(url_for(".show", affiliate_id=affiliate.id))
    return render_template("admin/affiliates/form.html", form=form, affiliate=affiliate)


@bp.route("/<int:affiliate_id>/delete", methods=["POST"])
def delete(affiliate_id: int) -> Response:
    affiliate = _affiliate_or_404(affiliate_id)
    name = affiliate.display_name
    delete_affiliate(affiliate)
    db.session.commit()
    flash(f"{name} was deleted.", "success")
    return redirect(url_for(".index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
