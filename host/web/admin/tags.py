"""The admin's Tags page: create and delete tags, see who has them."""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import Tag, user_tags
from host.services.errors import InvalidValue
from host.services.tags import create_tag, delete_tag
from host.web.forms.tags import NewTagForm

bp = Blueprint("admin_tags", __name__, url_prefix="/admin/tags")


@bp.route("/", methods=["GET", "POST"])
def index() -> str | Response:
    form = NewTagForm()
    if form.validate_on_submit():
        try:
            tag = create_tag(form.name.data or "", apply_on_registration=form.apply_on_registration.data)
        except InvalidValue as error:
            form.name.errors = [error.message]
        else:
            db.session.commit()
            flash(f"Tag {tag.name!r} created.", "success")
            return redirect(url_for(".index"))
    user_count = func.count(user_tags.c.user_id)
    rows = db.session.execute(
        select(Tag, user_count).outerjoin(user_tags, user_tags.c.tag_id == Tag.id).group_by(Tag.id).order_by(Tag.name)
    ).all()
    return render_template("admin/tags.html", form=form, rows=rows)


@bp.route("/<int:tag_id>/delete", methods=["POST"])
def delete(tag_id: int) -> Response:
    tag = db.session.get(Tag, tag_id) or abort(404)
    name = tag.name
    delete_tag(tag)
    db.session.commit()
    flash(f"Tag {name!r} deleted.", "success")
    return redirect(url_for(".index"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
