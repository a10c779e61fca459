"""The REST API under /services/data/vXX.X/; importing the modules registers their routes."""

from . import composite, misc, query, sobjects
from .router import RestRequest, RestResponse, router

__all__ = ["RestRequest", "RestResponse", "composite", "misc", "query", "router", "sobjects"]
