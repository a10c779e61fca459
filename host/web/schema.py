"""Pages while the database schema is behind the code: 503 and what to run, not a 500.

Where migrations are not automatic (PostgreSQL, or ``PLUGHOST_AUTO_MIGRATE`` off), a
site started before ``plughost db upgrade`` would fail on its first query. Until the
schema is current every request is answered with the command to run; once it is
current the check is not made again, so it costs nothing afterwards.
"""

from flask import Flask, current_app

from host.database import schema_is_current

#: Where the check records, in ``app.extensions``, that the schema was found current.
_SCHEMA_CURRENT = "plughost_schema_current"

SCHEMA_BEHIND_STATUS = 503


def _schema_behind() -> tuple[str, int] | None:
    app = current_app
    if app.extensions.get(_SCHEMA_CURRENT):
        return None
    if schema_is_current(app):
        app.extensions[_SCHEMA_CURRENT] = True
        return None
    # Rendered without the context processors: they read tables the schema may not have yet.
    return app.jinja_env.get_template("schema_behind.html").render(), SCHEMA_BEHIND_STATUS


def init_app(app: Flask) -> None:
    """Answer every request with 503 while the schema is behind; must be the first check."""
    app.before_request(_schema_behind)
