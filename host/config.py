"""Configuration: embedded defaults, environment overrides and generated keys.

Every setting has a default that runs the site on one machine with nothing else
installed (SQLite in the instance folder, the in-process sync worker). Environment
variables prefixed ``PLUGHOST_`` override them for larger deployments.
"""

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from flask import Flask

ENVIRONMENT_SETTINGS = {
    "PLUGHOST_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "PLUGHOST_SECRET_KEY": "SECRET_KEY",
    "PLUGHOST_ENCRYPTION_KEY": "PLUGHOST_ENCRYPTION_KEY",
    "PLUGHOST_SYNC_ENGINE": "PLUGHOST_SYNC_ENGINE",
    "PLUGHOST_CELERY_BROKER_URL": "PLUGHOST_CELERY_BROKER_URL",
    "PLUGHOST_EXTERNAL_URL": "PLUGHOST_EXTERNAL_URL",
    "PLUGHOST_AUTO_MIGRATE": "PLUGHOST_AUTO_MIGRATE",
    "PLUGHOST_SECURE_COOKIES": "PLUGHOST_SECURE_COOKIES",
    "PLUGHOST_PASSWORD_HASH_COST": "PLUGHOST_PASSWORD_HASH_COST",
    "PLUGHOST_THEME_DIR": "PLUGHOST_THEME_DIR",
    "PLUGHOST_MAIL_SERVER": "PLUGHOST_MAIL_SERVER",
    "PLUGHOST_MAIL_PORT": "PLUGHOST_MAIL_PORT",
    "PLUGHOST_MAIL_USERNAME": "PLUGHOST_MAIL_USERNAME",
    "PLUGHOST_MAIL_PASSWORD": "PLUGHOST_MAIL_PASSWORD",
    "PLUGHOST_MAIL_USE_TLS": "PLUGHOST_MAIL_USE_TLS",
    "PLUGHOST_MAIL_USE_SSL": "PLUGHOST_MAIL_USE_SSL",
    "PLUGHOST_MAIL_SENDER": "PLUGHOST_MAIL_SENDER",
}

FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})

#: The folder holding ``host/``: a source checkout when it also holds pyproject.toml.
CHECKOUT = Path(__file__).resolve().parent.parent


def default_theme_folder(instance_path: str) -> Path:
    """The checkout's shipped theme (top-level ``templates/``), else the instance's ``theme/``.

    An installed site has no checkout: its owner puts a theme in the instance folder,
    and until then the packaged templates alone render the site.
    """
    shipped = CHECKOUT / "templates"
    if (CHECKOUT / "pyproject.toml").is_file() and shipped.is_dir():
        return shipped
    return Path(instance_path) / "theme"


#: The instance folder's subfolder where mail is written when no SMTP server is set.
MAIL_FOLDER = "mail"
#: How long a request may wait on the SMTP server before the message is given up.
MAIL_TIMEOUT_SECONDS = 10


def default_settings(instance_path: str) -> dict[str, Any]:
    """The embedded defaults, relative to the application's instance folder."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'plughost.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # Whether ``plughost`` brings the schema up to date before its commands run.
        # None means "on SQLite only": the embedded default is one process, while a
        # deployment with several runs ``plughost db upgrade`` once instead.
        "PLUGHOST_AUTO_MIGRATE": None,
        # Entry points in this group are the installed plugins.
        "PLUGHOST_LOAD_ENTRYPOINTS": True,
        # "embedded": a worker thread in the web process; "celery": Celery workers.
        "PLUGHOST_SYNC_ENGINE": "embedded",
        "PLUGHOST_CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        # Public base URL of the site, used in links given to other systems (OAuth
        # callbacks, webhook endpoints); empty means "the URL of the current request".
        "PLUGHOST_EXTERNAL_URL": "",
        "PLUGHOST_LOGIN_ATTEMPTS_PER_MINUTE": 10,
        # Session cookies are always Secure on https requests; this makes them Secure
        # everywhere, for a site behind a proxy that terminates TLS.
        "PLUGHOST_SECURE_COOKIES": False,
        # argon2's cost for password hashes: "default" (strong), or "fast" for test
        # suites only (see host.services.passwords).
        "PLUGHOST_PASSWORD_HASH_COST": "default",
        # The theme: templates searched before the packaged ones, and its static/ folder.
        "PLUGHOST_THEME_DIR": str(default_theme_folder(instance_path)),
        # Outgoing mail: through this SMTP server when one is named; without one, each
        # message is written to the instance folder's mail/ and listed on the admin's
        # Outbox page (see mail_settings).
        "PLUGHOST_MAIL_SERVER": "",
        "PLUGHOST_MAIL_PORT": 587,
        "PLUGHOST_MAIL_USERNAME": "",
        "PLUGHOST_MAIL_PASSWORD": "",
        # STARTTLS on the port (587); or TLS from the first byte (465) with USE_SSL.
        "PLUGHOST_MAIL_USE_TLS": True,
        "PLUGHOST_MAIL_USE_SSL": False,
        "PLUGHOST_MAIL_SENDER": "Plughost <no-reply@localhost>",
    }


def flag(value: Any) -> bool:
    """A yes/no setting, given as a bool or as an environment word ("0", "false", ...)."""
    if isinstance(value, str):
        return value.strip().lower() not in FALSE_WORDS
    return bool(value)


def mail_settings(settings: Mapping[str, Any], instance_path: str) -> dict[str, Any]:
    """Flask-Mailman's settings, from the ``PLUGHOST_MAIL_*`` ones.

    Environment values are strings, so the port and the TLS flags are converted here;
    Flask-Mailman would take "false" for true.
    """
    sender = {"MAIL_DEFAULT_SENDER": settings["PLUGHOST_MAIL_SENDER"]}
    if not settings["PLUGHOST_MAIL_SERVER"]:
        return {**sender, "MAIL_BACKEND": "file", "MAIL_FILE_PATH": str(Path(instance_path) / MAIL_FOLDER)}
    return {
        **sender,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": settings["PLUGHOST_MAIL_SERVER"],
        "MAIL_PORT": int(settings["PLUGHOST_MAIL_PORT"]),
        "MAIL_USERNAME": settings["PLUGHOST_MAIL_USERNAME"] or None,
        "MAIL_PASSWORD": settings["PLUGHOST_MAIL_PASSWORD"] or None,
        "MAIL_USE_TLS": flag(settings["PLUGHOST_MAIL_USE_TLS"]) and not flag(settings["PLUGHOST_MAIL_USE_SSL"]),
        "MAIL_USE_SSL": flag(settings["PLUGHOST_MAIL_USE_SSL"]),
        "MAIL_TIMEOUT": MAIL_TIMEOUT_SECONDS,
    }


def environment_settings() -> dict[str, str]:
    """Settings given as ``PLUGHOST_*`` environment variables."""
    return {key: os.environ[name] for name, key in ENVIRONMENT_SETTINGS.items() if name in os.environ}


def load_or_create_key(app: Flask, filename: str, make_key: Callable[[], str], *, keep: bool = True) -> str:
    """Read a key from the instance folder, generating it there on first run.

    The file is created readable by its owner only, so a generated key is as private
    as the database it protects. With ``keep`` false a missing key is made up for this
    process only: a site built just to be inspected writes nothing.
    """
    path = Path(app.instance_path) / filename
    if path.exists():
        return path.read_text().strip()
    key = make_key()
    if not keep:
        return key
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def ensure_keys(app: Flask, *, keep: bool = True) -> None:
    """Fill in the session and encryption keys when the configuration has none."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_key(app, "secret_key", lambda: secrets.token_urlsafe(48), keep=keep)
    if not app.config.get("PLUGHOST_ENCRYPTION_KEY"):
        app.config["PLUGHOST_ENCRYPTION_KEY"] = load_or_create_key(
            app, "encryption_key", lambda: Fernet.generate_key().decode("ascii"), keep=keep
        )
