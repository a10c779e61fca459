"""Typed errors for everything that can go wrong between the site and Salesforce.

``str(error)`` is always a sentence an admin can act on. The class tells a plugin
what to do with the record:

* :class:`TransientError`: try again later (timeouts, outages, locked rows);
* :class:`ApiLimitExceeded`, :class:`ReauthorizationRequired`: pause the whole plugin;
* :class:`ApiError` and its subclasses, one per Salesforce error code: the record
  failed and retrying will not help until someone fixes the cause.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from plugins.salesforce_common.limits import ApiUsage, suggested_resume_time


@dataclass(frozen=True)
class ErrorContext:
    """What a call was about, so that a sentence can name it."""

    #: The Salesforce object, e.g. ``"Lead"``.
    sobject: str | None = None
    #: The site's word for the record being synced, e.g. ``"affiliate"``.
    record_kind: str = "record"

    @property
    def object_name(self) -> str:
        return self.sobject or "the Salesforce object"


def _and(names: Sequence[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


_VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?!s|ni))", re.IGNORECASE)


def _article(word: str) -> str:
    """``an Account``, ``a Lead``, ``a user``."""
    return f"an {word}" if _VOWEL_SOUND.match(word) else f"a {word}"


class SalesforceError(Exception):
    """Base of every error this library raises; the message is for admins."""


class ConfigurationError(SalesforceError):
    """The plugin's Salesforce settings cannot work as they are."""


class AuthorizationError(SalesforceError):
    """An OAuth authorization did not complete; any existing connection is unchanged."""


class AuthorizationDenied(AuthorizationError):
    """Salesforce redirected back with ``error=...``, e.g. the admin clicked Deny."""

    def __init__(self, error: str, description: str) -> None:
        self.error = error
        self.description = description
        if error == "access_denied":
            sentence = "Salesforce access was denied, so the connection was not changed"
        else:
            sentence = f"Salesforce did not authorize the connection ({error})"
        super().__init__(f"{sentence}: {description or error}.")


class AuthorizationStateError(AuthorizationError):
    """The callback's ``state`` is not the one this browser session is waiting for.

    Either the callback was forged or tampered with, or it was already used: a state
    is accepted once.
    """


class ReauthorizationRequired(SalesforceError):
    """Salesforce no longer accepts the stored refresh token; an admin must authorize again."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"The Salesforce connection needs reauthorization: {reason}")


class NotConnected(ReauthorizationRequired):
    """No admin has authorized the Salesforce connection yet."""

    def __init__(self) -> None:
        self.reason = "not connected yet"
        SalesforceError.__init__(self, "Not connected to Salesforce yet: press Connect to Salesforce first.")


class TransientError(SalesforceError):
    """A fault that passes by itself: a timeout, an outage, a locked row."""


class ApiLimitExceeded(SalesforceError):
    """The org's API allowance is used up (``REQUEST_LIMIT_EXCEEDED``)."""

    def __init__(self, salesforce_message: str, *, resume_at: datetime, usage: ApiUsage | None = None) -> None:
        self.salesforce_message = salesforce_message
        self.resume_at = resume_at
        self.usage = usage
        counted = f" ({usage.summary})" if usage else ""
        super().__init__(
            f"Salesforce's API limit is used up{counted}: {salesforce_message} "
            f"Syncing waits until {resume_at:%Y-%m-%d %H:%M} UTC."
        )

    @property
    def waits_for_concurrency(self) -> bool:
        """Too many long requests at once, which clears in a minute, rather than the daily limit."""
        return "concurrent" in self.salesforce_message.lower()


class ApiBudgetReached(ApiLimitExceeded):
    """The org has used the share of its daily API requests the plugin may use."""

    def __init__(self, usage: ApiUsage, share: float, *, resume_at: datetime) -> None:
        self.salesforce_message = ""
        self.resume_at = resume_at
        self.usage = usage
        SalesforceError.__init__(
            self,
            f"Syncing keeps within {share:.0%} of the org's daily API requests, and {usage.used:,} of "
            f"{usage.allowed:,} are used. It looks again at {resume_at:%Y-%m-%d %H:%M} UTC.",
        )


class ApiError(SalesforceError):
    """Salesforce refused a request or a record; retrying alone will not help."""

    #: The Salesforce error code the class stands for.
    code: ClassVar[str] = ""

    def __init__(
        self,
        salesforce_message: str = "",
        *,
        fields: Sequence[str] = (),
        context: ErrorContext = ErrorContext(),
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.error_code = code or self.code
        self.salesforce_message = salesforce_message
        self.fields = tuple(fields)
        self.context = context
        self.status = status
        super().__init__(self.sentence())

    @classmethod
    def from_salesforce(cls, payload: Mapping[str, Any], *, context: ErrorContext, status: int | None) -> Self:
        """Build the error from one item of Salesforce's error list."""
        return cls(
            str(payload.get("message") or ""),
            fields=[str(name) for name in payload.get("fields") or ()],
            context=context,
            status=status,
            code=_code_of(payload),
        )

    def sentence(self) -> str:
        context = self.context
        return (
            f"Salesforce rejected the {context.record_kind} as {_article(context.object_name)}: "
            f"{self.salesforce_message or 'no reason given'} ({self.error_code or 'no error code'})."
        )

    def _fields_or(self, pattern: str) -> tuple[str, ...]:
        """The error's fields, or the names Salesforce put in its message."""
        if self.fields:
            return self.fields
        match = re.search(pattern, self.salesforce_message)
        if match is None:
            return ()
        return tuple(name.strip(" '") for name in match.group(1).split(",") if name.strip(" '"))


class RequiredFieldMissing(ApiError):
    code = "REQUIRED_FIELD_MISSING"

    def sentence(self) -> str:
        fields = self._fields_or(r"\[([^\]]*)\]")
        kind, sobject = self.context.record_kind, self.context.object_name
        if not fields:
            return f"Salesforce requires a field on {sobject} that is missing: {self.salesforce_message}"
        if len(fields) == 1:
            return f"Salesforce requires {fields[0]} on {sobject}; map {_article(kind)} field to it or set a default."
        return f"Salesforce requires {_and(fields)} on {sobject}; map {kind} fields to them or set defaults."


class InvalidField(ApiError):
    code = "INVALID_FIELD"

    def sentence(self) -> str:
        fields = self._fields_or(r"No such column '([^']+)'")
        names = _and(fields) or "a mapped field"
        return (
            f"{self.context.object_name} has no field {names} that the connected user can see; correct the field "
            "mapping, or refresh the Salesforce fields if it was just added."
        )


class FieldNotWritable(ApiError):
    code = "INVALID_FIELD_FOR_INSERT_UPDATE"

    def sentence(self) -> str:
        fields = self._fields_or(r"fields: ([^.]+)")
        names = _and(fields) or "a mapped field"
        return (
            f"Salesforce does not let the connected user set {names} on {self.context.object_name} (read-only, or "
            "hidden by field-level security); remove it from the mapping or grant edit access in Salesforce."
        )


class StringTooLong(ApiError):
    code = "STRING_TOO_LONG"

    def __init__(self, salesforce_message: str = "", *, max_length: int | None = None, **details: Any) -> None:
        if max_length is None and (match := re.search(r"max length=(\d+)", salesforce_message)):
            max_length = int(match.group(1))
        self.max_length = max_length
        super().__init__(salesforce_message, **details)

    def sentence(self) -> str:
        field = _and(self.fields) or "a field"
        limit = f" ({self.max_length:,} characters)" if self.max_length is not None else ""
        return (
            f"The {self.context.record_kind}'s value for {field} is longer than {self.context.object_name} "
            f"allows{limit}; shorten it or map a different field."
        )


class InvalidEmailAddress(ApiError):
    code = "INVALID_EMAIL_ADDRESS"

    def sentence(self) -> str:
        field = _and(self.fields) or "an email field"
        return (
            f"Salesforce rejected the {self.context.record_kind}'s email address for {field} on "
            f"{self.context.object_name} as invalid; correct it on the site."
        )


class RestrictedPicklistValue(ApiError):
    code = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"

    def __init__(self, salesforce_message: str = "", *, value: str | None = None, **details: Any) -> None:
        if value is None and (match := re.search(r"restricted picklist field: (.*)$", salesforce_message)):
            value = match.group(1)
        self.value = value
        super().__init__(salesforce_message, **details)

    def sentence(self) -> str:
        field = _and(self.fields) or "a restricted picklist"
        shown = repr(self.value) if self.value else "An empty value"
        return (
            f"{shown} is not an allowed value of {field} on {self.context.object_name} (a restricted picklist); "
            f"add it to the picklist in Salesforce or map the {self.context.record_kind} to an allowed value."
        )


class MalformedId(ApiError):
    code = "MALFORMED_ID"

    def sentence(self) -> str:
        return (
            f"Salesforce rejected an id sent for this {self.context.record_kind} as not a valid "
            f"{self.context.object_name} id: {self.salesforce_message}"
        )


class RecordNotFound(ApiError):
    code = "NOT_FOUND"

    def sentence(self) -> str:
        return (
            f"Salesforce found no {self.context.object_name} for this {self.context.record_kind}; it may have been "
            f"deleted or merged ({self.salesforce_message or 'not found'})."
        )


class EntityIsDeleted(ApiError):
    code = "ENTITY_IS_DELETED"

    def sentence(self) -> str:
        sobject, kind = self.context.object_name, self.context.record_kind
        return (
            f"The {sobject} linked to this {kind} is in the Salesforce Recycle Bin; restore it there, or unlink "
            f"the {kind} so that a new {sobject} is created."
        )


class DuplicateValue(ApiError):
    code = "DUPLICATE_VALUE"

    def sentence(self) -> str:
        fields = f" ({_and(self.fields)})" if self.fields else ""
        return (
            f"Another {self.context.object_name} already has this {self.context.record_kind}'s value in a unique "
            f"field{fields}: {self.salesforce_message}"
        )


class DuplicatesDetected(ApiError):
    code = "DUPLICATES_DETECTED"

    def __init__(self, salesforce_message: str = "", *, matching_ids: Sequence[str] = (), **details: Any) -> None:
        self.matching_ids = tuple(matching_ids)
        super().__init__(salesforce_message, **details)

    @classmethod
    def from_salesforce(cls, payload: Mapping[str, Any], *, context: ErrorContext, status: int | None) -> Self:
        duplicate = payload.get("duplicateResult") or {}
        matching = [
            str(match["record"]["Id"])
            for result in duplicate.get("matchResults") or ()
            for match in result.get("matchRecords") or ()
            if "Id" in (match.get("record") or {})
        ]
        return cls(str(payload.get("message") or ""), matching_ids=matching, context=context, status=status)

    def sentence(self) -> str:
        matches = f" (it matches {_and(self.matching_ids)})" if self.matching_ids else ""
        return (
            f"A Salesforce duplicate rule blocked saving this {self.context.record_kind} as "
            f"{_article(self.context.object_name)}{matches}; merge the records in Salesforce or change the rule."
        )


class ApiDisabledForOrg(ApiError):
    code = "API_DISABLED_FOR_ORG"

    def sentence(self) -> str:
        return (
            "This Salesforce org's edition has no API access, so nothing can be synced; it needs an edition "
            "that includes the API (Enterprise, Unlimited, Performance or Developer) or the API add-on."
        )


class ApiDisabledForUser(ApiError):
    code = "API_CURRENTLY_DISABLED"

    def sentence(self) -> str:
        return (
            "The connected Salesforce user lacks the API Enabled permission; grant it in Salesforce or "
            "reconnect as a user who has it."
        )


class InsufficientAccess(ApiError):
    code = "INSUFFICIENT_ACCESS"

    def sentence(self) -> str:
        return (
            f"The connected Salesforce user lacks permission for this {self.context.object_name} "
            f"({self.salesforce_message or self.error_code}); grant it in Salesforce or reconnect as a user "
            "who has it."
        )


class ValidationRuleFailed(ApiError):
    code = "FIELD_CUSTOM_VALIDATION_EXCEPTION"

    def sentence(self) -> str:
        return (
            f"A Salesforce validation rule on {self.context.object_name} rejected this "
            f"{self.context.record_kind}: {self.salesforce_message}"
        )


class InvalidObject(ApiError):
    code = "INVALID_TYPE"

    def sentence(self) -> str:
        return (
            f"Salesforce has no object {self.context.object_name} that the connected user can see; choose "
            "another object or check the user's permissions."
        )


class MultipleMatches(ApiError):
    """HTTP 300: several records match an upsert or lookup key; none was touched."""

    code = "MULTIPLE_MATCHES"

    def __init__(self, salesforce_message: str = "", *, matching_ids: Sequence[str] = (), **details: Any) -> None:
        self.matching_ids = tuple(matching_ids)
        super().__init__(salesforce_message, **details)

    @classmethod
    def from_salesforce(cls, payload: Mapping[str, Any], *, context: ErrorContext, status: int | None) -> Self:
        """From a Collections upsert's per-record ``DUPLICATE_EXTERNAL_ID``, which names the ids."""
        message = str(payload.get("message") or "")
        listed = re.search(r"\[([^\]]*)\]", message)
        ids = [part.strip() for part in listed.group(1).split(",") if part.strip()] if listed else []
        fields = [str(name) for name in payload.get("fields") or ()]
        if not fields and (named := re.match(r"^(\w+):", message)):
            fields = [named.group(1)]
        return cls(message, matching_ids=ids, fields=fields, context=context, status=status, code=_code_of(payload))

    @classmethod
    def from_record_urls(cls, urls: Any, *, match_field: str | None, context: ErrorContext) -> Self:
        """From a 300 answer's body, the list of the matching records' URLs."""
        return cls(
            matching_ids=[str(url).rstrip("/").rsplit("/", 1)[-1] for url in urls or ()],
            fields=[match_field] if match_field else [],
            context=context,
            status=300,
        )

    def sentence(self) -> str:
        key = _and(self.fields) or "match field"
        return (
            f"{len(self.matching_ids)} {self.context.object_name} records match this {self.context.record_kind}'s "
            f"{key} ({_and(self.matching_ids)}); nothing was changed. Merge them in Salesforce or match on a "
            "unique field."
        )


class ConvertedLead(ApiError):
    """The Lead was converted to a Contact (and Account); Salesforce keeps it read-only."""

    code = "CANNOT_UPDATE_CONVERTED_LEAD"

    def sentence(self) -> str:
        kind = self.context.record_kind
        return (
            f"The Lead of this {kind} was converted in Salesforce, so it can no longer be updated; the {kind}'s "
            "changes were not sent. Update the Contact it became in Salesforce."
        )


_CODED_ERRORS: tuple[type[ApiError], ...] = (
    RequiredFieldMissing,
    InvalidField,
    FieldNotWritable,
    StringTooLong,
    InvalidEmailAddress,
    RestrictedPicklistValue,
    MalformedId,
    RecordNotFound,
    EntityIsDeleted,
    DuplicateValue,
    DuplicatesDetected,
    ApiDisabledForOrg,
    ApiDisabledForUser,
    InsufficientAccess,
    ValidationRuleFailed,
    InvalidObject,
    ConvertedLead,
)
_ERRORS_BY_CODE: dict[str, type[ApiError]] = {error.code: error for error in _CODED_ERRORS} | {
    "INSUFFICIENT_ACCESS_OR_READONLY": InsufficientAccess,
    "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY": InsufficientAccess,
    "DUPLICATE_EXTERNAL_ID": MultipleMatches,
}

#: Codes that describe a passing state of Salesforce, not a problem with the request.
TRANSIENT_CODES = frozenset({"SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW"})
LIMIT_CODE = "REQUEST_LIMIT_EXCEEDED"


def _code_of(payload: Mapping[str, Any]) -> str:
    """The error code: ``errorCode`` in REST errors, ``statusCode`` in per-record results."""
    return str(payload.get("errorCode") or payload.get("statusCode") or "")


def error_from_payload(
    payload: Mapping[str, Any],
    *,
    context: ErrorContext,
    status: int | None,
    now: datetime,
    usage: ApiUsage | None = None,
) -> SalesforceError:
    """The typed error for one item of a Salesforce error list."""
    code = _code_of(payload)
    message = str(payload.get("message") or "")
    if code == LIMIT_CODE:
        return ApiLimitExceeded(message, resume_at=suggested_resume_time(message, now), usage=usage)
    if code in TRANSIENT_CODES or (status is not None and status >= 500):
        return TransientError(f"Salesforce is temporarily unavailable: {message or 'no reason given'} ({code}).")
    return _ERRORS_BY_CODE.get(code, ApiError).from_salesforce(payload, context=context, status=status)
