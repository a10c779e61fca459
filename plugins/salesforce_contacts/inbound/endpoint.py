"""The URL Salesforce's outbound messages are sent to.

Checks come cheapest first: body size, then the key (before any XML is parsed, so
strangers cannot make the site parse anything), then the envelope, then the org.
Each refusal is a 4xx with a plain reason, logged, and changes nothing; Salesforce
keeps retrying a refused message, which the admin sees under its Outbound Messages.
Accepted notifications are queued in the request's transaction and acknowledged
before any of them is applied.
"""

import logging

from flask import Blueprint, Response, request

from host.api import csrf, db, enqueue
from plugins.salesforce_common.status import stored_identity
from plugins.salesforce_contacts.current import NAME, contacts_plugin
from plugins.salesforce_contacts.inbound.endpoints import find_endpoint
from plugins.salesforce_contacts.inbound.seen import first_time, forget_old
from plugins.salesforce_contacts.inbound.soap import ACK, MalformedMessage, parse_message, same_org

#: The queue's kind for received notifications.
INBOUND_KIND = "inbound"
#: 100 notifications of a few dozen fields fit many times over.
MAX_BODY_BYTES = 1024 * 1024

log = logging.getLogger(__name__)


def _refuse(status: int, reason: str, endpoint_id: str) -> Response:
    log.warning("Salesforce webhook %s refused (%s): %s, from %s", endpoint_id, status, reason, request.remote_addr)
    return Response(f"{reason}\n", status=status, mimetype="text/plain")


#: The endpoint Salesforce posts to, with no CSRF token: its key is its credential.
receiver = Blueprint(f"{NAME}_inbound", __name__, url_prefix=f"/{NAME}/outbound")
csrf.exempt(receiver)


@receiver.post("/<endpoint_id>")
def receive(endpoint_id: str) -> Response:
    plugin = contacts_plugin()
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _refuse(413, "The message is larger than this endpoint accepts.", endpoint_id)
    endpoint = find_endpoint(plugin.store, endpoint_id)
    if endpoint is None or not endpoint.accepts(request.args.get("key", "")):
        return _refuse(403, "Unknown endpoint or wrong key.", endpoint_id)
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _refuse(413, "The message is larger than this endpoint accepts.", endpoint_id)
    try:
        message = parse_message(body)
    except MalformedMessage as error:
        return _refuse(400, str(error), endpoint_id)
    identity = stored_identity(plugin.store)
    if identity is None:
        return _refuse(409, "The site is not connected to a Salesforce org yet.", endpoint_id)
    if not same_org(message.organization_id, identity.organization_id):
        return _refuse(
            403, f"The message comes from org {message.organization_id}, not the connected one.", endpoint_id
        )
    queued = 0
    for notification in message.notifications:
        if first_time(notification.id):
            payload = {"action": endpoint.action.value, "notification": notification.to_json()}
            enqueue(plugin, INBOUND_KIND, notification.id, payload)
            queued += 1
    forget_old()
    db.session.commit()
    log.info("Salesforce webhook %s: %d notifications, %d new", endpoint_id, len(message.notifications), queued)
    return Response(ACK, status=200, mimetype="text/xml")
