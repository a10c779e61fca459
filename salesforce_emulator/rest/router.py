"""A small router for the REST API, shared by the HTTP layer and Composite subrequests.

Composite runs its subrequests through the same handlers without going back through
HTTP, so they are not counted as separate API calls, as in Salesforce.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers

from ..errors import ApiError, not_found

if TYPE_CHECKING:
    from ..state import Org


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
        allowed = False
        for route in self.routes:
            found = route.pattern.match(path)
            if found:
                if route.method == method:
                    return route, found.groupdict()
                allowed = True
        if allowed:
            raise ApiError.of(
                405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are GET,PATCH,DELETE,HEAD,POST"
            )
        raise not_found()

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
