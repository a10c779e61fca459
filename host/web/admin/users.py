"""The admin's Users pages: search and filters, plugins' columns, tags one by one or in bulk, add, edit, delete."""

from dataclasses import dataclass

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from host.contributions import ListColumn
from host.extensions import db
from host.models import CustomFieldOwner, Role, Tag, User
from host.plugins.dispatch import collect_items
from host.services.consents import ADMIN, ConsentOrigin, source_label
from host.services.custom_fields import defined_fields
from host.services.errors import InvalidValue
from host.services.tags import all_tags
from host.services.users import change_tags, delete_user, register_user, users_matching
from host.snapshots import UserSnapshot
from host.web.admin.consequences import delete_consequences
from host.web.admin.panels import rendered_panels
from host.web.forms.accounts import ROLE_LABELS, AdminNewUserForm, AdminUserForm
from host.web.forms.base import with_custom_fields
from host.web.forms.tags import ADD, BulkTagForm, TagChangeForm
from host.web.paging import PER_PAGE, id_argument, page_number
from host.web.profile_editing import profile_form, save_profile
from host.web.redirects import safe_next_url

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _apply_tag_change(form: TagChangeForm, users: list[User]) -> int:
    tag = db.session.get(Tag, form.tag_id.data) or abort(404)
    if form.action.data == ADD:
        return change_tags(users, add=[tag])
    return change_tags(users, remove=[tag])


def _back_to_list() -> str:
    """The list page the bulk form was posted from, with its search and page."""
    return safe_next_url(request.form.get("next")) or url_for(".index")


@dataclass(frozen=True)
class UserFilters:
    """What the list is narrowed to; an unknown role or tag in the URL narrows nothing."""

    query: str = ""
    role: Role | None = None
    tag: Tag | None = None

    @classmethod
    def from_request(cls) -> "UserFilters":
        role = request.args.get("role", "")
        tag_id = id_argument("tag")
        return cls(
            query=request.args.get("q", "").strip(),
            role=Role(role) if role in {member.value for member in Role} else None,
            tag=db.session.get(Tag, tag_id) if tag_id else None,
        )

    def url_values(self) -> dict[str, str | int | None]:
        """The filters as query arguments, for links that keep them (the pager's)."""
        return {"role": self.role.value if self.role else None, "tag": self.tag.id if self.tag else None}


def plugin_columns(users: list[User]) -> list[ListColumn]:
    """The columns enabled plugins add for this page of users."""
    snapshots = [UserSnapshot.of(user) for user in users]
    return [column for _plugin, column in collect_items("user_list_columns", ListColumn, users=snapshots)]


@bp.route("/")
def index() -> str:
    filters = UserFilters.from_request()
    statement = users_matching(filters.query, role=filters.role, tag=filters.tag).options(selectinload(User.tags))
    page = db.paginate(statement, page=page_number(), per_page=PER_PAGE, error_out=False)
    tags = all_tags()
    bulk_form = BulkTagForm()
    bulk_form.offer_tags(tags)
    return render_template(
        "admin/users/index.html",
        page=page,
        filters=filters,
        query=filters.query,
        roles=ROLE_LABELS,
        tags=tags,
        columns=plugin_columns(page.items),
        bulk_form=bulk_form,
    )


@bp.route("/new", methods=["GET", "POST"])
def create() -> str | Response:
    form = with_custom_fields(AdminNewUserForm, defined_fields(CustomFieldOwner.USER))()
    if form.validate_on_submit():
        try:
            user = register_user(
                **form.service_values(), consent_origin=ConsentOrigin(ADMIN, note=f"by {current_user.email}")
            )
        except InvalidValue as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(f"{user.display_name} was added.", "success")
            return redirect(url_for(".edit", user_id=user.id))
    return render_template("admin/users/new.html", form=form)


@bp.route("/tags", methods=["POST"])
def bulk_tags() -> str | Response:
    """Add a tag to the ticked users, or take it off them once the admin has confirmed how many lose it."""
    form = BulkTagForm()
    form.offer_tags(all_tags())
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
        return redirect(_back_to_list())
    users = list(
        db.session.scalars(select(User).where(User.id.in_(form.user_ids.data or [])).options(selectinload(User.tags)))
    )
    if form.removes and not form.confirmed.data:
        tag = db.session.get(Tag, form.tag_id.data) or abort(404)
        losing = [user for user in users if tag in user.tags]
        if losing:
            return render_template(
                "admin/users/confirm_tag_removal.html", form=form, tag=tag, users=losing, back=_back_to_list()
            )
    changed = _apply_tag_change(form, users)
    db.session.commit()
    flash(f"Tags changed on {changed} of {len(users)} users.", "success")
    return redirect(_back_to_list())


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int) -> str | Response:
    user = _user_or_404(user_id)
    form = profile_form(AdminUserForm, user)
    if form.validate_on_submit():
        changes = save_profile(form, user, ConsentOrigin(ADMIN, note=f"by {current_user.email}"))
        if changes is not None:
            flash("The user is saved." if changes else "Nothing changed.", "success")
            return redirect(url_for(".edit", user_id=user.id))
    tag_form = TagChangeForm(formdata=None)
    tag_form.offer_tags(all_tags())
    snapshot = UserSnapshot.of(user)
    return render_template(
        "admin/users/edit.html",
        user=user,
        form=form,
        tag_form=tag_form,
        source_label=source_label,
        plugin_panels=rendered_panels("user_admin_panels", user=snapshot),
        delete_consequences=delete_consequences(snapshot),
    )


@bp.route("/<int:user_id>/tags", methods=["POST"])
def tags(user_id: int) -> Response:
    user = _user_or_404(user_id)
    form = TagChangeForm()
    form.offer_tags(all_tags())
    if form.validate():
        changed = _apply_tag_change(form, [user])
        db.session.commit()
        flash("Tags saved." if changed else "The tags were already so.", "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.route("/<int:user_id>/delete", methods=["POST"])
def delete(user_id: int) -> Response:
    user = _user_or_404(user_id)
    name = user.display_name
    try:
        delete_user(user)
    except InvalidValue as error:
        flash(error.message, "error")
        return redirect(url_for(".edit", user_id=user_id))
    db.session.commit()
    flash(f"{name} was deleted.", "success")
    return redirect(url_for(".index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
