"""Reading Salesforce's outbound-message envelope, and the acknowledgement it expects.

Parsed with defusedxml with DTDs refused outright: a SOAP message never carries one,
so any DOCTYPE (XXE, entity expansion bombs) is an attack or a mistake.
"""

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
#: The WSDL's ``maxOccurs`` for Notification.
MAX_NOTIFICATIONS = 100

ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body>'
    f'<notificationsResponse xmlns="{OUTBOUND}"><Ack>true</Ack></notificationsResponse>'
    "</soapenv:Body></soapenv:Envelope>"
)


class MalformedMessage(ValueError):
    """The body is not an outbound-message envelope this endpoint can read."""


@dataclass(frozen=True)
class Notification:
    """One changed record: the notification's own id, the object, and the sent field values."""

    id: str
    sobject: str
    record_id: str
    fields: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "sobject": self.sobject, "record_id": self.record_id, "fields": self.fields}

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> "Notification":
        return cls(str(stored["id"]), str(stored["sobject"]), str(stored["record_id"]), dict(stored["fields"]))


@dataclass(frozen=True)
class Message:
    organization_id: str
    action_id: str
    notifications: list[Notification]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _notification(element: Element) -> Notification:
    notification_id = (element.findtext(f"{{{OUTBOUND}}}Id") or "").strip()
    sobject = element.find(f"{{{OUTBOUND}}}sObject")
    if not notification_id or sobject is None:
        raise MalformedMessage("A Notification lacks its Id or sObject.")
    fields = {_local(child.tag): (child.text or "") for child in sobject if child.get(XSI_NIL) != "true"}
    record_id = fields.get("Id", "").strip()
    if not record_id:
        raise MalformedMessage("A Notification's sObject lacks its Id.")
    sobject_type = _local(sobject.get(XSI_TYPE, "")).split(":")[-1]
    return Notification(notification_id, sobject_type, record_id, fields)


def parse_message(body: bytes) -> Message:
    """The envelope's org, action and notifications.

    :raises MalformedMessage: not XML, an XML attack, or not an outbound message.
    """
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as error:
        raise MalformedMessage(f"Not a readable XML document ({type(error).__name__}).") from error
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise MalformedMessage("Not a SOAP envelope.")
    notifications = root.find(f"{{{SOAP_ENV}}}Body/{{{OUTBOUND}}}notifications")
    if notifications is None:
        raise MalformedMessage("The SOAP body holds no outbound-message notifications.")
    organization_id = (notifications.findtext(f"{{{OUTBOUND}}}OrganizationId") or "").strip()
    if not organization_id:
        raise MalformedMessage("The message names no OrganizationId.")
    items = notifications.findall(f"{{{OUTBOUND}}}Notification")
    if len(items) > MAX_NOTIFICATIONS:
        raise MalformedMessage(f"More than {MAX_NOTIFICATIONS} notifications in one message.")
    return Message(
        organization_id,
        (notifications.findtext(f"{{{OUTBOUND}}}ActionId") or "").strip(),
        [_notification(item) for item in items],
    )


def same_org(a: str, b: str) -> bool:
    """Whether two org ids name one org: 15-character ids are the 18-character ones' prefix."""
    return bool(a) and bool(b) and a[:15] == b[:15]
