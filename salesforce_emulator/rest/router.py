"""A small router for the REST API, shared by the HTTP layer and Composite subrequests.

Composite runs its subrequests through the same handlers without going back through
HTTP, so they are not counted as separate API calls, as in Salesforce.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers

from ..errors import ApiError

if TYPE_CHECKING:
    from ..state import Org


METHOD_ORDER = ["GET", "PATCH", "DELETE", "HEAD", "POST", "PUT"]


@dataclass
class RestRequest:
    method: str
    path: str
    version: str
    args: Mapping[str, str]
    body: Any
    #: Looked up without regard to case, as HTTP headers are.
    headers: Headers
    user_id: str
    base_url: str = ""

    @property
    def version_number(self) -> float:
        return float(self.version)


@dataclass
class RestResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[..., RestResponse]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    label: str
    handler: Handler


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        """Register a handler for ``template``, where ``<name>`` matches one path segment."""
        regex = re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", template)

        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method, re.compile(f"^{regex}/?$"), template, handler))
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed: set[str] = set()
        for route in self.routes:
            found = route.pattern.match(path)
            if found:
                if route.method == method:
                    return route, found.groupdict()
                allowed.add(route.method)
        if allowed:
            if "GET" in allowed:
                allowed.add("HEAD")
            listed = ",".join(m for m in METHOD_ORDER if m in allowed)
            raise ApiError.of(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {listed}")
        raise ApiError.of(
            404,
            "NOT_FOUND",
            f"The requested resource does not exist: the Salesforce emulator does not offer {method} {path}",
        )

    def dispatch(self, org: "Org", request: RestRequest) -> tuple[RestResponse, str]:
        try:
            route, params = self.match(request.method, request.path)
        except ApiError as error:
            return RestResponse(error.status, error.body()), "unknown"
        try:
            return route.handler(org, request, **params), route.label
        except ApiError as error:
            return RestResponse(error.status, error.body()), route.label


router = Router()
