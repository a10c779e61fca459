"""Reading back the mail written to the instance folder when no SMTP server is set.

Flask-Mailman's file backend appends each message to a ``.log`` file, followed by a
line of 79 dashes. The admin's Outbox page lists them, so a site without a mail
server (the demo, a test) can still follow the links it sends.
"""

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from flask import current_app

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


@dataclass(frozen=True)
class WrittenMail:
    """One message as it would have been sent."""

    to: str
    subject: str
    date: datetime
    body: str


def writes_to_files() -> bool:
    """Whether mail goes to the instance folder (no SMTP server is configured)."""
    return bool(current_app.config.get("MAIL_BACKEND") == "file")


def _parsed(raw: bytes) -> WrittenMail | None:
    """The message in ``raw``; None for what is not one (a file someone else left there)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    try:
        date = parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        return None
    part = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
    body = part.get_content() if isinstance(part, EmailMessage) else ""
    return WrittenMail(to=str(message["To"] or ""), subject=str(message["Subject"] or ""), date=date, body=body)


def written_mail() -> list[WrittenMail]:
    """Every message written so far, newest first; none when mail goes out by SMTP."""
    if not writes_to_files():
        return []
    found = []
    for path in Path(current_app.config["MAIL_FILE_PATH"]).glob("*.log"):
        written_at = path.stat().st_mtime_ns
        for position, chunk in enumerate(path.read_bytes().split(SEPARATOR)):
            if chunk.strip() and (message := _parsed(chunk)) is not None:
                found.append(((message.date, written_at, position), message))
    return [message for _order, message in sorted(found, key=lambda item: item[0], reverse=True)]
