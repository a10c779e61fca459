"""Set-password links for users created from Salesforce: mailed to them, shown to the admin.

A user created by a webhook or an import cannot choose a password by themselves, so
the plugin mails them a link once the user is stored, and the admin's user page
shows a fresh one to hand over should the mail go astray. They are the host's
password links (:func:`host.api.password_token`): signed, expiring, and dead
once the password is set.
"""

import logging

from flask import Blueprint, render_template
from werkzeug.wrappers import Response

from host.api import NoPublicAddress, PluginStore, User, password_link_page, password_token, public_url, send_mail
from plugins.salesforce_contacts.current import NAME, contacts_plugin

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 14 * 24 * 3600
INVITED_PREFIX = "invited."
PURPOSE = "salesforce_contacts.set_password"
ENDPOINT = f"{NAME}_password.set_password_page"


def _link(user: User) -> str:
    return public_url(ENDPOINT, token=password_token(user, PURPOSE))


def invite(store: PluginStore, user: User) -> None:
    """Remember that ``user`` still has to choose a password, and mail them a link to.

    Outside a request (the sync worker) the link needs ``PLUGHOST_EXTERNAL_URL``;
    without it no mail goes, and the admin's user page still shows the link.
    """
    store.set(f"{INVITED_PREFIX}{user.id}", True)
    try:
        link = _link(user)
    except NoPublicAddress as missing:
        log.warning("No set-password mail for %s: %s", user.email, missing)
        return
    body = render_template(
        "salesforce_contacts/mail/set_password.txt", user=user, link=link, days=MAX_AGE_SECONDS // 86400
    )
    send_mail(user.email, "Choose your password", body)


def set_password_url(store: PluginStore, user: User) -> str | None:
    """A fresh link for a user who has not chosen a password yet; None otherwise."""
    if not store.get(f"{INVITED_PREFIX}{user.id}"):
        return None
    return _link(user)


#: The page a set-password link opens.
pages = Blueprint(f"{NAME}_password", __name__, template_folder="templates", url_prefix=f"/{NAME}/set-password")


@pages.route("/<token>", methods=["GET", "POST"])
def set_password_page(token: str) -> tuple[str, int] | str | Response:
    plugin = contacts_plugin()
    return password_link_page(
        token,
        PURPOSE,
        MAX_AGE_SECONDS,
        template="salesforce_contacts/set_password.html",
        refused_status=404,
        done_sentence="Your password is set; you can log in now.",
        after_set=lambda user: plugin.store.delete(f"{INVITED_PREFIX}{user.id}"),
    )
