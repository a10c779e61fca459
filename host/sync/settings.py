"""The sync queue's settings: defaults, overridable by config or ``PLUGHOST_SYNC_*`` env.

A value given to ``create_app`` wins over the environment, which wins over the
default, as for every other Plughost setting.
"""

import os
from dataclasses import dataclass
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    # Attempts answered with a transient fault before an entry is dead-lettered.
    "PLUGHOST_SYNC_MAX_ATTEMPTS": 8,
    # Backoff after the first transient fault; it doubles with each attempt up to the cap.
    "PLUGHOST_SYNC_RETRY_BASE_SECONDS": 10.0,
    "PLUGHOST_SYNC_RETRY_MAX_SECONDS": 3600.0,
    # How long a claim holds while its worker shows no sign of life. A live worker
    # renews its claims, so this bounds how long a dead worker's batch waits.
    "PLUGHOST_SYNC_LEASE_SECONDS": 60.0,
    # How often an idle worker looks for work nobody signalled (entries enqueued by
    # another process, a lost Celery message, a plugin that was just enabled).
    "PLUGHOST_SYNC_POLL_SECONDS": 5.0,
    # Prepended to every Redis key Celery uses, so several sites can share a Redis.
    "PLUGHOST_SYNC_REDIS_KEY_PREFIX": "plughost:",
}


@dataclass(frozen=True)
class SyncSettings:
    """The settings one application's queue runs with."""

    max_attempts: int
    retry_base_seconds: float
    retry_max_seconds: float
    lease_seconds: float
    poll_seconds: float
    redis_key_prefix: str

    @classmethod
    def of(cls, app: Flask) -> "SyncSettings":
        return cls(
            max_attempts=int(app.config["PLUGHOST_SYNC_MAX_ATTEMPTS"]),
            retry_base_seconds=float(app.config["PLUGHOST_SYNC_RETRY_BASE_SECONDS"]),
            retry_max_seconds=float(app.config["PLUGHOST_SYNC_RETRY_MAX_SECONDS"]),
            lease_seconds=float(app.config["PLUGHOST_SYNC_LEASE_SECONDS"]),
            poll_seconds=float(app.config["PLUGHOST_SYNC_POLL_SECONDS"]),
            redis_key_prefix=str(app.config["PLUGHOST_SYNC_REDIS_KEY_PREFIX"]),
        )


def apply_defaults(app: Flask) -> None:
    """Fill in every sync setting the application's config does not give."""
    for key, default in DEFAULTS.items():
        if key not in app.config:
            app.config[key] = type(default)(os.environ.get(key, default))
