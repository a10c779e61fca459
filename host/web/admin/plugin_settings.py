"""A plugin's settings page, generated from its declared fields.

Open whether the plugin is enabled or not, so an owner can set a plugin up before
enabling it. Secrets are never rendered back into the page.
"""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from host.extensions import db
from host.plugins.manager import current_plugin_host
from host.plugins.registry import is_enabled
from host.plugins.settings import SettingsValidationError
from host.web.forms.plugin_settings import settings_form, show_errors, submitted_values

bp = Blueprint("admin_plugin_settings", __name__, url_prefix="/admin/plugins")


@bp.route("/<name>/settings", methods=["GET", "POST"])
def edit(name: str) -> str | Response:
    plugin = current_plugin_host().get(name) or abort(404)
    settings = plugin.settings
    fields = plugin.settings_fields
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
            return redirect(url_for(".edit", name=name))
    return render_template("admin/plugin_settings.html", plugin=plugin, form=form, enabled=is_enabled(name))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
