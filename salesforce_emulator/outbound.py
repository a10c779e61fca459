"""Outbound messages: SOAP notifications POSTed to a listener when matching records change.

As in Salesforce: up to 100 notifications per message, record data read at send time,
success only on HTTP 200 with ``<Ack>true</Ack>`` in its SOAP envelope, retries with exponential backoff capped
at two hours, messages dropped after 24 hours, and delivery at least once (possibly twice).
Retry times follow the emulator clock, so tests move time forward instead of waiting.
A message whose ``on`` lists ``"topics"`` is also sent when a record's topics change
(docs/emulator.md says why that stands for an admin's trigger on TopicAssignment).
"""

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import requests
from defusedxml import ElementTree
from more_itertools import chunked

from .store import Change

if TYPE_CHECKING:
    from .state import Org

MAX_NOTIFICATIONS = 100
MAX_BACKOFF = 2 * 3600
MAX_AGE = 24 * 3600
FIRST_BACKOFF = 15
OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"


@dataclass
class OutboundMessage:
    """A configured outbound message: which object, which fields, where, and on which changes."""

    name: str
    object: str
    fields: list[str]
    endpoint_url: str
    on: list[str] = field(default_factory=lambda: ["create", "update"])
    send_session_id: bool = False
    action_id: str = ""


@dataclass
class Notification:
    id: str
    message: OutboundMessage
    record_id: str
    created_at: float
    attempts: int = 0
    next_attempt: float = 0.0


class OutboundMessenger:
    def __init__(self, org: "Org") -> None:
        self.org = org
        self.lock = threading.Lock()
        self.sending = threading.Lock()
        self.wake = threading.Event()
        self.messages: list[OutboundMessage] = []
        self.pending: list[Notification] = []
        self.deliveries: list[dict[str, Any]] = []
        self._thread: threading.Thread | None = None

    def reset(self) -> None:
        """Forget queued notifications and start again from the configured messages."""
        with self.lock:
            self.messages = []
            self.pending = []
            self.deliveries = []
        self.org.store.listeners.append(self.on_changes)
        for definition in self.org.config.outbound_messages:
            self.define(definition)

    def define(self, definition: dict[str, Any]) -> OutboundMessage:
        sobject = self.org.schema.get(definition["object"])
        if sobject is None:
            raise ValueError(f"no such object: {definition['object']}")
        fields = []
        for name in definition.get("fields", ["Id"]):
            found = sobject.field(name)
            if found is None:
                raise ValueError(f"no such field on {sobject.name}: {name}")
            fields.append(found.name)
        if "Id" not in fields:
            fields.insert(0, "Id")
        message = OutboundMessage(
            definition.get("name", f"{sobject.name}Outbound"),
            sobject.name,
            fields,
            definition["endpoint_url"],
            list(definition.get("on", ["create", "update"])),
            bool(definition.get("send_session_id", False)),
            self.org.ids.new("04k"),
        )
        with self.lock:
            self.messages.append(message)
        self._start()
        return message

    def on_changes(self, changes: list[Change]) -> None:
        now = self.org.clock.now()
        added = False
        with self.lock:
            for change in changes:
                kind = {"created": "create", "updated": "update", "topics": "topics"}.get(change.kind)
                for message in self.messages:
                    if kind in message.on and message.object == change.object_name:
                        self.pending.append(
                            Notification(self.org.ids.new("04l"), message, change.record_id, now, next_attempt=now)
                        )
                        added = True
        if added:
            self.wake.set()

    def fires_on_topics(self, object_name: str) -> bool:
        """Whether a message on this object asks to be sent when a record's topics change."""
        with self.lock:
            return any(m.object == object_name and "topics" in m.on for m in self.messages)

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbound-messages", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            self.wake.wait(timeout=1.0)
            self.wake.clear()
            self.deliver_due()

    def deliver_due(self) -> int:
        """Send every notification whose time has come; returns how many were acknowledged."""
        with self.sending:
            return self._deliver_due()

    def _deliver_due(self) -> int:
        now = self.org.clock.now()
        with self.lock:
            self.pending = [n for n in self.pending if now - n.created_at < MAX_AGE]
            due = [n for n in self.pending if n.next_attempt <= now]
        acknowledged = 0
        groups: dict[str, list[Notification]] = {}
        for notification in due:
            groups.setdefault(notification.message.action_id, []).append(notification)
        for batch_source in groups.values():
            for batch in chunked(batch_source, MAX_NOTIFICATIONS):
                if self._send(batch):
                    acknowledged += len(batch)
        return acknowledged

    def _send(self, batch: list[Notification]) -> bool:
        message = batch[0].message
        envelope = self.envelope(message, batch)
        status: int | str
        try:
            response = requests.post(
                message.endpoint_url,
                data=envelope.encode("utf-8"),
                timeout=10,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            )
            status = response.status_code
            ok = status == 200 and _acknowledged(response.content)
        except requests.RequestException as error:
            status, ok = type(error).__name__, False
        now = self.org.clock.now()
        with self.lock:
            self.deliveries.append(
                {
                    "time": now,
                    "message": message.name,
                    "endpoint_url": message.endpoint_url,
                    "notification_ids": [n.id for n in batch],
                    "status": status,
                    "acknowledged": ok,
                }
            )
            for notification in batch:
                if ok:
                    if notification in self.pending:
                        self.pending.remove(notification)
                else:
                    notification.attempts += 1
                    delay = min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (notification.attempts - 1))
                    notification.next_attempt = now + delay
        return ok

    def envelope(self, message: OutboundMessage, batch: list[Notification]) -> str:
        """The SOAP envelope Salesforce sends, with each record's current field values."""
        org = self.org
        org_id = org.config.org_id
        version = f"{org.config.max_version}.0"
        base = org.base_url
        session = '<SessionId xsi:nil="true"/>'
        if message.send_session_id:
            grant = org.tokens.issue_access(None, next(iter(org.users.values())), ["api"], None)
            session = f"<SessionId>{escape(grant.token)}</SessionId>"
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
            " <soapenv:Body>",
            f'  <notifications xmlns="{OUTBOUND_NS}">',
            f"   <OrganizationId>{org_id}</OrganizationId>",
            f"   <ActionId>{message.action_id}</ActionId>",
            f"   {session}",
            f"   <EnterpriseUrl>{escape(base)}/services/Soap/c/{version}/{org_id[:15]}</EnterpriseUrl>",
            f"   <PartnerUrl>{escape(base)}/services/Soap/u/{version}/{org_id[:15]}</PartnerUrl>",
        ]
        sobject = org.schema.get(message.object)
        for notification in batch:
            record = org.store.get(message.object, notification.record_id, include_deleted=True) or {}
            parts.append(f"   <Notification>\n    <Id>{notification.id}</Id>")
            parts.append(
                f'    <sObject xsi:type="sf:{message.object}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">'
            )
            for name in message.fields:
                value = record.get(name)
                if value is None:
                    continue
                field = sobject.field(name) if sobject else None
                kind = field.type if field else "string"
                parts.append(f"     <sf:{name}>{escape(_soap_value(value, kind))}</sf:{name}>")
            parts.append("    </sObject>\n   </Notification>")
        parts += ["  </notifications>", " </soapenv:Body>", "</soapenv:Envelope>"]
        return "\n".join(parts)

    def status(self) -> dict[str, Any]:
        with self.lock:
            return {
                "messages": [
                    {
                        "name": m.name,
                        "object": m.object,
                        "fields": m.fields,
                        "endpoint_url": m.endpoint_url,
                        "on": m.on,
                        "action_id": m.action_id,
                    }
                    for m in self.messages
                ],
                "pending": [
                    {
                        "id": n.id,
                        "message": n.message.name,
                        "record_id": n.record_id,
                        "attempts": n.attempts,
                        "next_attempt": n.next_attempt,
                    }
                    for n in self.pending
                ],
                "deliveries": list(self.deliveries),
            }


def _soap_value(value: Any, kind: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind in ("double", "currency", "percent") and isinstance(value, (int, float)):
        return repr(float(value))
    return str(value)


SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"
ACK_PATH = f"{{{SOAP_NS}}}Body/{{{OUTBOUND_NS}}}notificationsResponse/{{{OUTBOUND_NS}}}Ack"


def _acknowledged(content: bytes) -> bool:
    """Only ``Envelope/Body/notificationsResponse/Ack`` = true, in the SOAP and outbound namespaces,
    acknowledges: a bare ``<Ack>true</Ack>`` or one in another namespace is retried, as by Salesforce."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        return False
    if root.tag != f"{{{SOAP_NS}}}Envelope":
        return False
    return any((ack.text or "").strip() == "true" for ack in root.findall(ACK_PATH))
