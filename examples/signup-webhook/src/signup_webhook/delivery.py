"""Posting one signed JSON document to the webhook URL, and what the receiver's answer means.

The receiver checks each request with its copy of the signing secret: it computes
HMAC-SHA256 over the timestamp header, a dot and the raw body, compares it with the
signature header in constant time, and refuses timestamps too old to be fresh.
"""

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import requests

from host.api import Done, Failed, Outcome, Pause, RetryLater, utcnow
from signup_webhook.addresses import loopback_allowed, url_problem

EVENT_HEADER = "X-Plughost-Event"
TIMESTAMP_HEADER = "X-Plughost-Timestamp"
SIGNATURE_HEADER = "X-Plughost-Signature"
#: How long a receiver may take to answer before the post counts as failed for now.
TIMEOUT_SECONDS = 10
#: Answers that say "not now" rather than "never": timeouts and rate limits, besides 5xx.
TRANSIENT_STATUSES = frozenset({408, 425, 429})


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``timestamp.body`` under ``secret``.

    Signing the timestamp with the body lets the receiver refuse an old request replayed.
    """
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def post(url: str, secret: str, event: str, document: Mapping[str, Any]) -> Outcome:
    """Post ``document`` as signed JSON to ``url``; the outcome the sync queue applies to its entry."""
    if problem := url_problem(url, allow_loopback=loopback_allowed()):
        return Failed(f"The webhook URL is refused: {problem}")
    body = json.dumps(document, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
    try:
        # A redirect is not followed: it could lead anywhere, the checks above included.
        answer = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as error:
        return RetryLater(f"The receiver could not be reached ({type(error).__name__}).")
    return outcome_of(answer)


def outcome_of(answer: requests.Response) -> Outcome:
    """What the receiver's status says: delivered, try again later, or never."""
    status = answer.status_code
    if 200 <= status < 300:
        return Done(f"The receiver answered {status}.")
    if status >= 500 or status in TRANSIENT_STATUSES:
        return RetryLater(f"The receiver answered {status} {answer.reason}.", not_before=retry_after(answer))
    if 300 <= status < 400:
        return Failed(
            f"The receiver answered {status}, pointing at {answer.headers.get('Location', 'another address')}; "
            "webhooks are not sent on, so give the address it points at as the URL."
        )
    return Failed(f"The receiver refused the webhook with {status} {answer.reason}.")


def retry_after(answer: requests.Response) -> datetime | None:
    """When the receiver's ``Retry-After`` (in seconds) allows the next try; None leaves it to the queue."""
    seconds = answer.headers.get("Retry-After", "")
    return utcnow() + timedelta(seconds=int(seconds)) if seconds.isdigit() else None


def sentence(outcome: Outcome) -> str:
    """What an outcome says to a person."""
    return outcome.reason if isinstance(outcome, RetryLater | Pause) else outcome.message
