"""Themes: a folder of templates searched before the packaged ones, and its static files.

See :mod:`host.themes.environment` for how templates are looked up and how a broken
theme falls back, and ``templates/README.md`` for what a theme may override.
"""

from pathlib import Path

from flask import Blueprint, Flask
from flask.sansio.app import App

#: URL under which the theme's ``static/`` folder is served.
STATIC_URL_PATH = "/theme/static"
#: Endpoint of the theme's static files, open before set-up like the host's stylesheet.
STATIC_ENDPOINT = "theme.static"


def theme_folder(app: App) -> Path:
    """The active theme folder (``PLUGHOST_THEME_DIR``); it need not exist."""
    return Path(app.config["PLUGHOST_THEME_DIR"]).resolve()


def init_app(app: Flask) -> None:
    """Serve the theme's static files; the template lookup is set up with the app's environment."""
    bp = Blueprint("theme", __name__, static_folder=theme_folder(app) / "static", static_url_path=STATIC_URL_PATH)
    app.register_blueprint(bp)
