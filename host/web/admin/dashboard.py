"""The admin's front page: counts, and where to go next."""

from typing import cast

from flask import Blueprint, Flask, current_app, render_template
from sqlalchemy import func, select

from host.extensions import db
from host.models import Affiliate, AffiliateStatus, Tag, User
from host.plugins.manager import current_plugin_host
from host.plugins.registry import enabled_names
from host.themes.environment import ThemedEnvironment
from host.themes.failures import current_failures

bp = Blueprint("admin_dashboard", __name__, url_prefix="/admin")


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


@bp.route("/")
def index() -> str:
    counts = {
        "users": _count(select(func.count()).select_from(User)),
        "affiliates": _count(select(func.count()).select_from(Affiliate)),
        "affiliates_waiting": _count(
            select(func.count()).select_from(Affiliate).where(Affiliate.status == AffiliateStatus.ON_MODERATION)
        ),
        "tags": _count(select(func.count()).select_from(Tag)),
        "plugins_enabled": len(enabled_names()),
        "plugins_installed": len(current_plugin_host().plugins),
    }
    theme_folder = cast(ThemedEnvironment, current_app.jinja_env).folder
    return render_template(
        "admin/dashboard.html",
        counts=counts,
        theme_folder=theme_folder,
        theme_failures=current_failures(theme_folder),
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
