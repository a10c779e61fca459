"""The admin's Outbox: the mail the site wrote to its instance folder, for lack of a mail server.

Links in the bodies are clickable, so the site owner (and the demo, and the tests)
can follow a password-reset or set-password link without a mail reader.
"""

import re

from flask import Blueprint, Flask, current_app, render_template
from markupsafe import Markup, escape

from host.services.mail_files import writes_to_files, written_mail

bp = Blueprint("admin_outbox", __name__, url_prefix="/admin/outbox")

#: An http(s) address in escaped text, up to white space; trailing punctuation is the sentence's.
_LINK = re.compile(r"https?://[^\s<>\"']+?(?=[.,;:!?)]*(?:\s|$))")


def linkify(text: str) -> Markup:
    """``text`` escaped for HTML, with every http(s) address made a link."""
    escaped = str(escape(text))
    return Markup(_LINK.sub(lambda match: f'<a href="{match.group(0)}">{match.group(0)}</a>', escaped))


@bp.route("/")
def index() -> str:
    return render_template(
        "admin/mail_outbox.html",
        messages=written_mail(),
        writes_to_files=writes_to_files(),
        server=current_app.config.get("MAIL_SERVER"),
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(linkify)
