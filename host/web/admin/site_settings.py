"""The admin's Site settings page: identity, registration, affiliate sign-up, custom fields, theme."""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import CustomField, CustomFieldOwner, Tag
from host.services.custom_fields import add_custom_field, defined_fields, remove_custom_field
from host.services.errors import InvalidValue
from host.services.site_settings import (
    AFFILIATE_SIGNUP_OPEN,
    REGISTRATION_OPEN,
    affiliate_signup_open,
    registration_open,
    set_site_identity,
    set_site_setting,
    site_identity,
)
from host.services.tags import all_tags, set_registration_tags
from host.themes.overview import theme_overview
from host.web.forms.site_settings import CustomFieldForm, SiteSettingsForm

bp = Blueprint("admin_site_settings", __name__, url_prefix="/admin/settings")


def _settings_form() -> SiteSettingsForm:
    tags = all_tags()
    identity = site_identity()
    form = SiteSettingsForm(
        data={
            "site_title": identity.title,
            "site_tagline": identity.tagline,
            "registration_open": registration_open(),
            "affiliate_signup_open": affiliate_signup_open(),
            "registration_tags": [tag.id for tag in tags if tag.apply_on_registration],
        }
    )
    form.offer_tags(tags)
    return form


def _page(settings_form: SiteSettingsForm, field_form: CustomFieldForm) -> str:
    return render_template(
        "admin/site_settings.html",
        form=settings_form,
        field_form=field_form,
        fields_by_owner=[
            ("User profile fields", defined_fields(CustomFieldOwner.USER)),
            ("Affiliate fields", defined_fields(CustomFieldOwner.AFFILIATE)),
        ],
        theme=theme_overview(),
    )


@bp.route("/", methods=["GET", "POST"])
def edit() -> str | Response:
    form = _settings_form()
    if form.validate_on_submit():
        set_site_identity(form.site_title.data or "", form.site_tagline.data or "")
        set_site_setting(REGISTRATION_OPEN, form.registration_open.data)
        set_site_setting(AFFILIATE_SIGNUP_OPEN, form.affiliate_signup_open.data)
        chosen = form.registration_tags.data or []
        set_registration_tags(db.session.scalars(select(Tag).where(Tag.id.in_(chosen))))
        db.session.commit()
        flash("Site settings saved.", "success")
        return redirect(url_for(".edit"))
    return _page(form, CustomFieldForm(formdata=None))


@bp.route("/custom-fields", methods=["POST"])
def add_field() -> str | Response:
    field_form = CustomFieldForm()
    if field_form.validate_on_submit():
        try:
            field = add_custom_field(
                field_form.owner.data,
                field_form.key.data or "",
                field_form.label.data or "",
                required=field_form.required.data,
            )
        except InvalidValue as error:
            getattr(field_form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(f"Field {field.label!r} added.", "success")
            return redirect(url_for(".edit"))
    return _page(_settings_form(), field_form)


@bp.route("/custom-fields/<int:field_id>/delete", methods=["POST"])
def remove_field(field_id: int) -> Response:
    field = db.session.get(CustomField, field_id) or abort(404)
    label = field.label
    remove_custom_field(field)
    db.session.commit()
    flash(f"Field {label!r} removed; values already entered are kept.", "success")
    return redirect(url_for(".edit"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
