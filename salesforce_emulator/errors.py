"""Errors in the shapes Salesforce sends them.

REST failures are a JSON array of ``{"message", "errorCode", "fields"?}`` objects; inside
sObject Collections the same error is reported with ``statusCode`` instead of
``errorCode``. OAuth failures are a flat ``{"error", "error_description"}`` object.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    """One Salesforce error entry; ``fields`` is None where Salesforce omits the key."""

    code: str
    message: str
    fields: list[str] | None = None
    extra: dict[str, Any] | None = None

    def rest(self) -> dict[str, Any]:
        body: dict[str, Any] = {**(self.extra or {}), "message": self.message, "errorCode": self.code}
        if self.fields is not None:
            body["fields"] = self.fields
        return body

    def collection(self) -> dict[str, Any]:
        return {**(self.extra or {}), "statusCode": self.code, "message": self.message, "fields": self.fields or []}


@dataclass
class ApiError(Exception):
    """A REST failure: an HTTP status and the errors of its JSON array body."""

    status: int
    errors: list[FieldError] = field(default_factory=list)
    payload: Any = None

    @classmethod
    def of(cls, status: int, code: str, message: str, fields: list[str] | None = None) -> "ApiError":
        return cls(status, [FieldError(code, message, fields)])

    def body(self) -> Any:
        """The JSON array of errors, or a payload for the rare non-error body (300's record URLs)."""
        if self.payload is not None:
            return self.payload
        return [error.rest() for error in self.errors]


def not_found() -> ApiError:
    return ApiError.of(404, "NOT_FOUND", "The requested resource does not exist")


def malformed_query(message: str) -> ApiError:
    return ApiError.of(400, "MALFORMED_QUERY", message)


def query_error(source: str, position: int, message: str, code: str = "MALFORMED_QUERY") -> ApiError:
    """A SOQL error as Salesforce words it: the query's line, a caret under the culprit, then
    ``ERROR at Row:R:Column:C`` (both counted from 1, rows split at line breaks) and the sentence."""
    before = source[:position]
    row = before.count("\n") + 1
    line_start = before.rfind("\n") + 1
    line_end = source.find("\n", position)
    line = source[line_start : line_end if line_end != -1 else len(source)]
    column = position - line_start
    caret = " " * column + "^"
    return ApiError.of(400, code, f"\n{line}\n{caret}\nERROR at Row:{row}:Column:{column + 1}\n{message}")


@dataclass
class OAuthError(Exception):
    """An OAuth endpoint failure; Salesforce answers these with HTTP 400 by default."""

    error: str
    description: str
    status: int = 400

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}
