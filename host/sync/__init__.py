"""The sync queue."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Start the sync engine chosen by configuration."""
