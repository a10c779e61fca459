"""The plugin's settings page and its Send a test button, under /admin/plugins/signup_webhook/.

The blueprint is made once, at import, and serves every site the plugin is installed
in; the host lets only admins reach it, and only while the plugin is enabled.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from host.api import Done, UserSnapshot, current_plugin, db, edit_settings, utcnow
from signup_webhook.delivery import EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, post, sentence
from signup_webhook.handler import EVENT, user_document

pages = Blueprint("signup_webhook", __name__, url_prefix="/admin/plugins/signup_webhook", template_folder="templates")


def sample_user() -> UserSnapshot:
    """Who a test post describes: nobody real, so a receiver can tell it apart (id 0)."""
    return UserSnapshot(
        id=0,
        email="test@example.com",
        first_name="Test",
        last_name="User",
        phone="",
        role="subscriber",
        marketing_email_consent=False,
        marketing_sms_consent=False,
        created_at=utcnow(),
        tags=frozenset({"test"}),
    )


@pages.route("/", methods=["GET", "POST"])
def settings_page() -> str | Response:
    plugin = current_plugin()
    form = edit_settings(plugin)
    if isinstance(form, Response):
        return form
    headers = {"event": EVENT_HEADER, "timestamp": TIMESTAMP_HEADER, "signature": SIGNATURE_HEADER}
    return render_template("signup_webhook/settings.html", plugin=plugin, form=form, event=EVENT, headers=headers)


@pages.post("/test")
def send_test() -> Response:
    """Post a sample user to the saved URL now, and say what the receiver answered."""
    settings = current_plugin().settings
    url, secret = settings.get("url"), settings.get("secret")
    # No transaction stays open while the receiver takes its time.
    db.session.commit()
    if not (url and secret):
        flash("Save the webhook URL and the signing secret first, then send a test.", "error")
    else:
        outcome = post(url, secret, EVENT, user_document(sample_user(), "test"))
        if isinstance(outcome, Done):
            flash(f"Test sent: {sentence(outcome)}", "success")
        else:
            flash(f"The test was not delivered: {sentence(outcome)}", "error")
    return redirect(url_for(".settings_page"))
