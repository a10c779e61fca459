"""Connected Apps OAuth Usage in the web UI: each approval with buttons to revoke it or end its sessions.

Salesforce's admin can revoke an app's access for a user (the refresh token and every
session it issued stop working) or end sessions (access tokens stop, the refresh token
gets new ones); these pages do both, so a demo shows reauthorization without the admin API.
Each action asks on a page of its own first, which needs no JavaScript.
"""

from typing import Any

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from .tokens import Connection
from .ui import blueprint, check_csrf, org

#: What each action does, shown on its confirmation page, and what it did, flashed after.
ACTIONS = {
    "revoke": (
        "Revoke",
        "Revoke {app}'s access for {user}? Its refresh token and its {sessions} live session(s) stop working; "
        "the app must be authorized again.",
        "Revoked {app}'s access for {user}.",
    ),
    "expire": (
        "Expire sessions",
        "Expire the {sessions} live session(s) of {app} for {user}? Its access tokens stop working; "
        "its refresh token still gets new ones.",
        "Expired {count} session(s) of {app} for {user}; its refresh token still works.",
    ),
}
GONE = "That connection no longer exists: it was revoked, or the emulator was reset."


def _username(user_id: str) -> str:
    return str(org().user(user_id).get("Username") or user_id)


def _describe(connection: Connection) -> dict[str, Any]:
    return {"app": connection.app.name, "user": _username(connection.user_id), "sessions": connection.sessions}


@blueprint.get("/connections")
def connections() -> str:
    state = org()
    grants = state.tokens.connections()
    apps = [(app, [c for c in grants if c.app is app]) for app in state.config.connected_apps]
    return render_template("ui_connections.html", apps=apps, username=_username)


@blueprint.get("/connections/<family>/<any(revoke, expire):action>")
def confirm(family: str, action: str) -> Any:
    connection = org().tokens.connection(family)
    if connection is None:
        flash(GONE, "error")
        return redirect(url_for("emulator_ui.connections"))
    label, question, _ = ACTIONS[action]
    return render_template(
        "ui_confirm.html", connection=connection, label=label, question=question.format(**_describe(connection))
    )


@blueprint.post("/connections/<family>/<any(revoke, expire):action>")
def act(family: str, action: str) -> Response:
    check_csrf()
    tokens = org().tokens
    connection = tokens.connection(family)
    if connection is None:
        flash(GONE, "error")
    elif action == "revoke":
        tokens.revoke_family(family)
        flash(ACTIONS[action][2].format(**_describe(connection)), "success")
    else:
        count = tokens.expire_sessions(family)
        flash(ACTIONS[action][2].format(count=count, **_describe(connection)), "success")
    return redirect(url_for("emulator_ui.connections"))
