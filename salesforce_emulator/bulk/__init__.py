"""Bulk API 2.0: ingest jobs under /services/data/vXX.X/jobs/ingest and query jobs under .../jobs/query.

Importing it registers the routes.
"""

from . import queries, routes

__all__ = ["queries", "routes"]
