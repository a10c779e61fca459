"""Set-password links for users created from Salesforce, which the admin copies to them.

The site sends no email, so a user created by a webhook or an import cannot choose a
password by themselves. The link is signed with the site's secret key, expires, and
works once: it carries a fingerprint of the password hash, which setting the password
changes.
"""

import hashlib
from typing import TYPE_CHECKING

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from host.extensions import db
from host.models import User
from host.plugins.settings import PluginStore
from host.services.errors import InvalidValue
from host.services.users import set_password
from host.web.urls import public_url

if TYPE_CHECKING:
    from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin

MAX_AGE_SECONDS = 14 * 24 * 3600
INVITED_PREFIX = "invited."
_SALT = "salesforce_contacts.set_password"


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def invite(store: PluginStore, user: User) -> None:
    """Remember that ``user`` still has to choose a password."""
    store.set(f"{INVITED_PREFIX}{user.id}", True)


def set_password_url(store: PluginStore, user: User) -> str | None:
    """A fresh link for a user who has not chosen a password yet; None otherwise."""
    if not store.get(f"{INVITED_PREFIX}{user.id}"):
        return None
    token = _serializer().dumps({"user": user.id, "hash": _fingerprint(user)})
    return public_url("salesforce_contacts_password.set_password_page", token=token)


def _user_for(token: str) -> User | None:
    try:
        claims = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    user = db.session.get(User, int(claims.get("user", 0)))
    return user if user is not None and claims.get("hash") == _fingerprint(user) else None


def blueprint(plugin: "SalesforceContactsPlugin") -> Blueprint:
    bp = Blueprint(
        f"{plugin.name}_password", __name__, template_folder="templates", url_prefix=f"/{plugin.name}/set-password"
    )

    @bp.route("/<token>", methods=["GET", "POST"])
    def set_password_page(token: str) -> str | Response:
        user = _user_for(token)
        if user is None:
            abort(404)
        error = None
        if request.method == "POST":
            password = request.form.get("password", "")
            if password != request.form.get("confirm", ""):
                error = "The two passwords differ."
            else:
                try:
                    set_password(user, password)
                except InvalidValue as refusal:
                    error = refusal.message
                else:
                    plugin.store.delete(f"{INVITED_PREFIX}{user.id}")
                    db.session.commit()
                    flash("Your password is set; you can log in now.", "success")
                    return redirect(url_for("auth.login"))
        return render_template("salesforce_contacts/set_password.html", user=user, error=error)

    return bp
