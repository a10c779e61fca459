"""Engines run deliveries: in the web process, or in Celery workers.

Both run :mod:`host.sync.delivery`; they differ only in who is told that work is
waiting and where the delivering happens.
"""

from typing import Protocol

from flask import Flask


class Engine(Protocol):
    def signal(self) -> None:
        """Work may be waiting: entries were enqueued, retried or a plugin resumed.

        Called after the commit that made the work visible; must not raise.
        """
        ...

    def stop(self, timeout: float = 10.0) -> None:
        """Stop delivering in this process, letting a batch in flight finish."""
        ...


def create_engine(app: Flask) -> Engine:
    """The engine ``PLUGHOST_SYNC_ENGINE`` names: ``embedded`` (default) or ``celery``."""
    name = app.config["PLUGHOST_SYNC_ENGINE"]
    if name == "embedded":
        from host.sync.engines.embedded import EmbeddedEngine

        return EmbeddedEngine(app)
    if name == "celery":
        from host.sync.engines.celery import CeleryEngine

        return CeleryEngine(app)
    raise ValueError(f"PLUGHOST_SYNC_ENGINE must be 'embedded' or 'celery', not {name!r}")
