"""Bulk API 2.0 ingest under /services/data/vXX.X/jobs/ingest; importing it registers the routes."""

from . import routes

__all__ = ["routes"]
