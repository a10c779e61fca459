"""Outbound messages: Salesforce's SOAP notifications, acknowledgement and retries."""

import threading
import time
from collections.abc import Iterator

import pytest
from defusedxml import ElementTree
from emulator_rest_client import Api
from polling import wait_for
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from salesforce_emulator.testing import EmulatorHandle

NS = {
    "soapenv": "http://schemas.xmlsoap.org/soap/envelope/",
    "o": "http://soap.sforce.com/2005/09/outbound",
    "sf": "urn:sobject.enterprise.soap.sforce.com",
}
ACK = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
    '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>{}</Ack>'
    "</notificationsResponse></soapenv:Body></soapenv:Envelope>"
)


class Listener:
    """A stand-in endpoint that records envelopes and answers Ack true, or false while ``refuse`` is set,
    or ``answer`` verbatim when it is set."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.refuse = False
        self.answer: str | None = None
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/salesforce/outbound"

    def app(self, environ, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        self.received.append(request.get_data())
        answer = self.answer or ACK.format("false" if self.refuse else "true")
        return Response(answer, content_type="text/xml")(environ, start_response)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"expected {count} messages, got {len(self.received)}"
            time.sleep(0.01)
        return self.received


@pytest.fixture
def listener() -> Iterator[Listener]:
    endpoint = Listener()
    thread = threading.Thread(target=endpoint.server.serve_forever, daemon=True)
    thread.start()
    yield endpoint
    endpoint.server.shutdown()


def _notifications(envelope: bytes) -> list:
    root = ElementTree.fromstring(envelope)
    return root.findall(".//o:Notification", NS)


def _wait_pending(emulator: EmulatorHandle, attempts: int) -> None:
    deadline = time.monotonic() + 5
    while not any(p["attempts"] == attempts for p in emulator.admin.outbound_status()["pending"]):
        assert time.monotonic() < deadline, "no failed delivery recorded"
        time.sleep(0.01)


def test_envelope_carries_org_action_notification_and_fields(
    api: Api, emulator: EmulatorHandle, listener: Listener
) -> None:
    """On a matching change Salesforce POSTs a SOAP envelope with OrganizationId, ActionId (04k), one
    Notification per record with an Id (04l) and the chosen fields' current values; nulls are omitted."""
    emulator.admin.define_outbound_message(
        "ContactSync", "Contact", ["Email", "LastName", "HasOptedOutOfEmail", "Title"], listener.url
    )
    record_id = api.create("Contact", LastName="Out", Email="out@example.com")
    envelope = listener.wait_for(1)[0]
    root = ElementTree.fromstring(envelope)
    assert root.findtext(".//o:OrganizationId", namespaces=NS) == emulator.config.org_id
    assert root.findtext(".//o:ActionId", namespaces=NS).startswith("04k")
    [notification] = _notifications(envelope)
    assert notification.findtext("o:Id", namespaces=NS).startswith("04l")
    sobject = notification.find("o:sObject", NS)
    assert sobject.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "sf:Contact"
    values = {child.tag.split("}")[1]: child.text for child in sobject}
    assert values == {"Id": record_id, "Email": "out@example.com", "LastName": "Out", "HasOptedOutOfEmail": "false"}


def test_unacknowledged_messages_are_retried_with_the_same_notification_id(
    api: Api, emulator: EmulatorHandle, listener: Listener
) -> None:
    """Without <Ack>true</Ack> the message is retried later with backoff; the same Notification Id comes again,
    so listeners must de-duplicate on it."""
    emulator.admin.define_outbound_message("ContactSync", "Contact", ["LastName"], listener.url, on=("create",))
    listener.refuse = True
    api.create("Contact", LastName="Retry")
    listener.wait_for(1)
    _wait_pending(emulator, attempts=1)
    listener.refuse = False
    assert emulator.admin.deliver_outbound() == 0
    emulator.admin.advance_clock(16)
    emulator.admin.deliver_outbound()
    first, second = listener.wait_for(2)[:2]
    assert _notifications(first)[0].findtext("o:Id", namespaces=NS) == _notifications(second)[0].findtext(
        "o:Id", namespaces=NS
    )
    assert emulator.admin.outbound_status()["pending"] == []


@pytest.mark.parametrize(
    "answer",
    [
        "<Ack>true</Ack>",
        '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>',
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        "<notificationsResponse><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>",
        '<Envelope xmlns="urn:other"><Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">'
        "<Ack>true</Ack></notificationsResponse></Body></Envelope>",
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
        '<o:notificationsResponse xmlns:o="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>'
        "</o:notificationsResponse></soapenv:Body></soapenv:Envelope>",
    ],
    ids=["bare", "no-envelope", "no-outbound-namespace", "other-envelope-namespace", "ack-outside-namespace"],
)
def test_an_ack_outside_the_soap_envelope_is_not_an_acknowledgement(
    api: Api, emulator: EmulatorHandle, listener: Listener, answer: str
) -> None:
    """Only Envelope/Body/notificationsResponse/Ack in the SOAP and outbound namespaces acknowledges;
    any other 200 answer leaves the notification pending for a retry, as Salesforce does."""
    emulator.admin.define_outbound_message("ContactSync", "Contact", ["LastName"], listener.url, on=("create",))
    listener.answer = answer
    api.create("Contact", LastName="Bare")
    listener.wait_for(1)
    _wait_pending(emulator, attempts=1)
    [delivery] = emulator.admin.outbound_status()["deliveries"]
    assert delivery["status"] == 200 and delivery["acknowledged"] is False
    listener.answer = None
    emulator.admin.advance_clock(16)
    emulator.admin.deliver_outbound()
    wait_for(lambda: emulator.admin.outbound_status()["pending"] == [], "the enveloped Ack to settle the message")


def test_rolled_back_changes_send_nothing(api: Api, emulator: EmulatorHandle, listener: Listener) -> None:
    """Only committed changes are notified: an allOrNone request that rolls back sends no message."""
    emulator.admin.define_outbound_message("ContactSync", "Contact", ["LastName"], listener.url)
    api.post(
        "composite/sobjects",
        {
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Contact"}, "LastName": "Rolled"},
                {"attributes": {"type": "Contact"}, "FirstName": "NoLastName"},
            ],
        },
    )
    api.create("Contact", LastName="Kept")
    envelope = listener.wait_for(1)[0]
    assert b"Kept" in envelope and b"Rolled" not in envelope
    # The listener has the message before the emulator has read its Ack.
    wait_for(lambda: emulator.admin.outbound_status()["pending"] == [], "the Ack to settle the message")
    assert len(listener.received) == 1


def test_a_topic_change_sends_the_record_only_to_messages_that_ask_for_it(
    api: Api, emulator: EmulatorHandle, listener: Listener
) -> None:
    """Assigning or removing a topic changes no Contact field, so a plain create/update message stays
    silent; a message with "topics" is sent for the Contact, touched as an admin's Apex trigger would."""
    contact_id = api.create("Contact", LastName="Tagged")
    topic_id = api.create("Topic", Name="Webinar")
    before = api.get(f"sobjects/Contact/{contact_id}").json()["LastModifiedDate"]
    emulator.admin.define_outbound_message("FieldsOnly", "Contact", ["LastName"], listener.url)
    emulator.admin.define_outbound_message(
        "WithTopics", "Contact", ["LastName", "LastModifiedDate"], listener.url, on=("update", "topics")
    )
    emulator.admin.advance_clock(60)

    assignment_id = api.create("TopicAssignment", EntityId=contact_id, TopicId=topic_id)
    envelope = listener.wait_for(1)[0]
    [notification] = _notifications(envelope)
    assert notification.findtext("o:sObject/sf:Id", namespaces=NS) == contact_id
    touched = notification.findtext("o:sObject/sf:LastModifiedDate", namespaces=NS)
    assert touched > before
    assert api.delete(f"sobjects/TopicAssignment/{assignment_id}").status_code == 204
    listener.wait_for(2)
    wait_for(lambda: emulator.admin.outbound_status()["pending"] == [], "the Acks to settle the messages")
    assert [d["message"] for d in emulator.admin.outbound_status()["deliveries"]] == ["WithTopics", "WithTopics"]
    assert len(listener.received) == 2
