"""A plugin's settings: the form handling every settings page shares, and the host's page.

The host's page is generated from the plugin's declared fields and is open whether
the plugin is enabled or not, so an owner can set a plugin up before enabling it. A
plugin with a page of its own (``Plugin.settings_endpoint``) embeds the same form
through :func:`edit_settings`; while it is enabled, the host's page sends admins there.
Secrets are never rendered back into a page.
"""

from collections.abc import Collection

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from host.extensions import db
from host.plugins.base import Plugin
from host.plugins.manager import current_plugin_host
from host.plugins.registry import is_enabled
from host.plugins.settings import SettingsValidationError
from host.web.forms.base import Form
from host.web.forms.plugin_settings import settings_form, show_errors, submitted_values

bp = Blueprint("admin_plugin_settings", __name__, url_prefix="/admin/plugins")


def edit_settings(plugin: Plugin, *, exclude: Collection[str] = ()) -> Form | Response:
    """Handle the plugin's settings form on the current page: the form, or a redirect.

    A GET gives the form filled with the stored values (secrets only say they are
    set). A POST that every check accepts stores the values, commits, flashes
    "Settings of <title> saved." and gives a redirect back to the page, so a reload
    does not post again; a refused POST gives the form with each message beside its
    input. Render the form with the ``plugin_settings_form`` macro of
    ``macros/forms.html``; the page's POST belongs to this form.

    :param exclude: keys of fields the page edits in its own way (a list read from
        another system, say); they are left out of the form and left as stored.
    """
    fields = [setting for setting in plugin.settings_fields if setting.key not in exclude]
    settings = plugin.settings
    stored_secrets = {setting.key for setting in fields if setting.secret and settings.is_set(setting.key)}
    form = settings_form(fields, stored_secrets, settings.public_values())
    if form.validate_on_submit():
        try:
            settings.update(submitted_values(form, fields))
        except SettingsValidationError as refusal:
            show_errors(form, refusal.errors)
        else:
            db.session.commit()
            flash(f"Settings of {plugin.title} saved.", "success")
            return redirect(url_for(request.endpoint or "", **(request.view_args or {})))
    return form


@bp.route("/<name>/settings", methods=["GET", "POST"])
def edit(name: str) -> str | Response:
    plugin = current_plugin_host().get(name) or abort(404)
    enabled = is_enabled(name)
    own_page = current_plugin_host().settings_endpoints.get(name)
    if enabled and own_page:
        return redirect(url_for(own_page))
    form = edit_settings(plugin)
    if isinstance(form, Response):
        return form
    return render_template("admin/plugin_settings.html", plugin=plugin, form=form, enabled=enabled)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
