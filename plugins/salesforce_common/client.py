"""A thin REST client for one connected org.

Every call goes to ``{instance_url}/services/data/v{version}/...`` with a timeout;
the instance's address is checked afresh (:mod:`.transport`) each time a client is
made. A 401 ``INVALID_SESSION_ID`` (an expired session: Salesforce gives no expiry
date to refresh ahead of) refreshes the tokens once through
:func:`.tokens.refresh_tokens` and retries; every response's ``Sforce-Limit-Info`` is recorded; every failure
becomes a typed error from :mod:`.errors`.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import quote as quote_path

import requests

from plugins.salesforce_common import api_budget
from plugins.salesforce_common.config import SalesforceConfig
from plugins.salesforce_common.errors import (
    ApiBudgetReached,
    ApiError,
    ApiLimitExceeded,
    ErrorContext,
    MultipleMatches,
    SalesforceError,
    TransientError,
    error_from_payload,
)
from plugins.salesforce_common.limits import LIMIT_INFO_HEADER, ApiUsage, parse_limit_info
from plugins.salesforce_common.oauth import transport_errors_are_transient
from plugins.salesforce_common.status import save_api_usage, stored_api_usage
from plugins.salesforce_common.tokens import Tokens, load_tokens, refresh_tokens
from plugins.salesforce_common.transport import require_secure_transport

SESSION_EXPIRED_CODE = "INVALID_SESSION_ID"


def _error_items(response: requests.Response) -> list[Any]:
    try:
        body = response.json()
    except ValueError:
        return []
    return body if isinstance(body, list) else [body]


def _session_expired(response: requests.Response) -> bool:
    return response.status_code == 401 and any(
        isinstance(item, Mapping) and item.get("errorCode") == SESSION_EXPIRED_CODE for item in _error_items(response)
    )


def upsert_call(sobject: str, key_field: str, key_value: str, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The path and body of a single-record upsert.

    The key goes in the URL; Salesforce refuses a body that repeats it.
    """
    path = f"sobjects/{sobject}/{key_field}/{quote_path(str(key_value), safe='')}"
    return path, {name: value for name, value in values.items() if name.lower() != key_field.lower()}


class SalesforceClient:
    """Calls to the org a plugin is connected to, as the user who authorized it.

    :raises ReauthorizationRequired: (from the constructor and any call) the
        connection was never authorized or needs reauthorization.
    """

    def __init__(self, config: SalesforceConfig, *, headers: Mapping[str, str] | None = None) -> None:
        """
        :param headers: sent with every call, e.g. ``{"Sforce-Auto-Assign": "FALSE"}``.
        """
        config.require_complete()
        self.config = config
        self._tokens: Tokens = load_tokens(config)
        require_secure_transport(self._tokens.instance_url, "Salesforce's instance URL")
        self._http = requests.Session()
        self._http.headers.update({"Accept": "application/json", **(headers or {})})
        #: The latest ``Sforce-Limit-Info`` reading of this client's calls; kept in the
        #: plugin's store when the client is closed, with the caller's transaction.
        self.api_usage: ApiUsage | None = None
        self._looked_for_room = False

    @property
    def instance_url(self) -> str:
        return self._tokens.instance_url

    @property
    def base_url(self) -> str:
        return f"{self._tokens.instance_url}/services/data/v{self.config.version}"

    def close(self) -> None:
        """End the HTTP session and keep the latest API usage, in the caller's transaction."""
        self._http.close()
        if self.api_usage is not None:
            save_api_usage(self.config.store, self.api_usage)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def context(self, sobject: str | None = None) -> ErrorContext:
        """How errors about ``sobject`` name things in their sentences."""
        return ErrorContext(sobject, self.config.record_kind)

    def _url(self, path: str) -> str:
        """``path`` relative to the API base, or instance-absolute (``nextRecordsUrl``)."""
        if path.startswith("/services/"):
            return f"{self._tokens.instance_url}{path}"
        return f"{self.base_url}/{path.lstrip('/')}"

    def _send(
        self, method: str, url: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        with transport_errors_are_transient("Salesforce"):
            response = self._http.request(
                method,
                url,
                headers={"Authorization": f"Bearer {self._tokens.access_token}", **(headers or {})},
                timeout=self.config.timeouts,
                **kwargs,
            )
        usage = parse_limit_info(response.headers.get(LIMIT_INFO_HEADER), datetime.now(UTC))
        if usage is not None:
            self.api_usage = usage
        return response

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: Callable[[], Iterable[bytes]] | None = None,
        content_type: str | None = None,
        stream: bool = False,
        sobject: str | None = None,
        match_field: str | None = None,
    ) -> requests.Response:
        """Send one API call; return the response if it succeeded, else raise its typed error.

        :param path: relative to the API base (``"sobjects/Lead"``), or starting with
            ``/services/`` for URLs Salesforce hands out.
        :param content: makes a body other than JSON, sent as it is made (chunked);
            called again if the call must be repeated after renewing the session.
        :param content_type: the type of ``content``, e.g. ``"text/csv"``.
        :param stream: leave the body of a successful response unread, for reading
            piece by piece (close the response when done).
        :param sobject: the object the call is about, named in error sentences.
        :param match_field: the key of an upsert or lookup, named if several records match.
        """
        if not self._looked_for_room:
            self._looked_for_room = True
            self._look_for_room()
        url = self._url(path)
        headers = {"Content-Type": content_type} if content_type else {}

        def send() -> requests.Response:
            data = content() if content is not None else None
            return self._send(method, url, params=params, json=json, data=data, headers=headers, stream=stream)

        response = send()
        if _session_expired(response):
            self._tokens = refresh_tokens(self.config, self._tokens)
            response = send()
            if _session_expired(response):
                raise TransientError("Salesforce refused a session it had just renewed; it will be tried again.")
        if response.status_code >= 300:
            error = self.error_for(response, self.context(sobject), match_field=match_field)
            if isinstance(error, ApiLimitExceeded) and not error.waits_for_concurrency:
                error = ApiLimitExceeded(
                    error.salesforce_message,
                    resume_at=api_budget.wait_again(self.config.store, datetime.now(UTC)),
                    usage=error.usage,
                )
            raise error
        return response

    def _look_for_room(self) -> None:
        """Before the first call: if the plugin waits for API requests or the stored usage
        is over its budget, look at ``limits`` (one call) and go on only if there is room.

        :raises ApiLimitExceeded: no room yet; its ``resume_at`` is when to look again.
        """
        store, share = self.config.store, self.config.api_budget_share
        if not api_budget.is_waiting(store) and not api_budget.is_over_budget(stored_api_usage(store), share):
            return
        daily = self.get_json("limits")["DailyApiRequests"]
        usage = ApiUsage(int(daily["Max"]) - int(daily["Remaining"]), int(daily["Max"]), datetime.now(UTC))
        self.api_usage = usage
        if api_budget.is_over_budget(usage, share):
            raise ApiBudgetReached(usage, share, resume_at=api_budget.wait_again(store, usage.observed_at))
        api_budget.stop_waiting(store)

    def error_for(
        self, response: requests.Response, context: ErrorContext, *, match_field: str | None = None
    ) -> SalesforceError:
        """The typed error a failed response stands for."""
        items = _error_items(response)
        if response.status_code == 300:
            return MultipleMatches.from_record_urls(items, match_field=match_field, context=context)
        if items and isinstance(items[0], Mapping):
            return error_from_payload(
                items[0], context=context, status=response.status_code, now=datetime.now(UTC), usage=self.api_usage
            )
        if response.status_code >= 500:
            return TransientError(f"Salesforce answered HTTP {response.status_code}; it will be tried again.")
        return ApiError(
            response.reason or "", context=context, status=response.status_code, code=f"HTTP_{response.status_code}"
        )

    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None, sobject: str | None = None) -> Any:
        return self.request("GET", path, params=params, sobject=sobject).json()

    def query(self, soql: str) -> list[dict[str, Any]]:
        """Every record a SOQL query matches, following Salesforce's pages.

        Build ``soql`` with :func:`.soql.quote` for every value.
        """
        page = self.get_json("query/", params={"q": soql})
        records = list(page["records"])
        while not page.get("done", True):
            page = self.get_json(page["nextRecordsUrl"])
            records.extend(page["records"])
        return records
