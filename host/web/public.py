"""The public front page."""

from flask import Blueprint, Flask, render_template

bp = Blueprint("public", __name__)


@bp.route("/")
def home() -> str:
    return render_template("home.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
