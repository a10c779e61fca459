"""Outbound messages from Salesforce change site users: sent by the emulator itself,
over real HTTP, applied once, never echoed back, and refused when they are not genuine."""

import re
from dataclasses import replace

import requests
from sqlalchemy import func, select

import host.sync
from host.extensions import db
from host.models import User
from host.services.mail_files import written_mail
from host.services.users import update_user
from host.sync.models import SyncEntry, SyncResult
from plugins.salesforce_common.field_mapping import Direction, FieldMapping
from plugins.salesforce_contacts.inbound.endpoints import Action, add_endpoint
from plugins.salesforce_contacts.mapping import load_mapping, save_mapping

FIELDS = ["Email", "FirstName", "LastName", "LastModifiedDate"]


def _webhook(site, live_site, action: Action = Action.UPDATE) -> str:
    with site.writing():
        endpoint = add_endpoint(site.plugin.store, action)
        db.session.commit()
    return f"{live_site.url}/salesforce_contacts/outbound/{endpoint.id}?key={endpoint.key}"


def _directions(site, **directions: Direction) -> None:
    with site.writing():
        rows = load_mapping(site.plugin.store, "Contact").rows
        chosen = tuple(replace(row, direction=directions.get(row.salesforce_field, row.direction)) for row in rows)
        save_mapping(site.plugin.store, "Contact", FieldMapping(chosen))
        db.session.commit()


def _user(site, user_id: int) -> dict:
    with site.app.app_context():
        user = db.session.get(User, user_id)
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "tags": sorted(tag.name for tag in user.tags),
        }


def _inbound_results(site) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(SyncResult).where(SyncResult.kind == "inbound")) or 0


def _inbound_entries(site) -> int:
    with site.app.app_context():
        return db.session.scalar(select(func.count()).select_from(SyncEntry).where(SyncEntry.kind == "inbound")) or 0


def _synced_contact(site, email: str, **fields) -> tuple[int, str]:
    user_id = site.register(email, **fields)
    assert site.wait_synced(user_id).state == "done"
    return user_id, site.record(email)["Id"]


def test_a_contact_edited_in_salesforce_changes_the_user_once_and_nothing_goes_back(site, live_site, salesforce_user):
    _directions(
        site,
        Email=Direction.TO_SALESFORCE,
        FirstName=Direction.BOTH,
        LastName=Direction.BOTH,
        Phone=Direction.TO_SALESFORCE,
    )
    user_id, contact_id = _synced_contact(site, "grace@example.com", first_name="Grace", last_name="Hopper")
    url = _webhook(site, live_site)
    site.sf.admin.define_outbound_message("ContactBack", "Contact", FIELDS, url)
    site.sf.admin.clear_calls()

    salesforce_user.assign_topic(contact_id, "Conference 2025")
    salesforce_user.update("Contact", contact_id, FirstName="Rear Admiral Grace", LastName="Hopper-Murray")

    site.wait_for(lambda: _user(site, user_id)["last_name"] == "Hopper-Murray", "the edit to reach the user")
    site.drain()
    assert _user(site, user_id) == {
        "first_name": "Rear Admiral Grace",
        "last_name": "Hopper-Murray",
        "email": "grace@example.com",
        "tags": ["Conference 2025"],
    }
    # The Salesforce user's own calls, and one query for the record's topics: nothing sent back.
    calls = site.sf.admin.call_counts()
    writes = {call: count for call, count in calls.items() if not call.startswith("GET")}
    assert writes == {"POST sobjects/<name>": 2, "PATCH sobjects/<name>/<record_id>": 1}, calls
    assert site.status(user_id).state == "done"
    assert _inbound_results(site) == 1


def test_a_redelivered_notification_is_applied_once(site, live_site, salesforce_user):
    _directions(site, LastName=Direction.BOTH)
    user_id, contact_id = _synced_contact(site, "ada@example.com", last_name="Lovelace")
    site.sf.admin.define_outbound_message("ContactBack", "Contact", FIELDS, _webhook(site, live_site))
    live_site.lose_acks = True

    salesforce_user.update("Contact", contact_id, LastName="Byron")
    site.wait_for(
        lambda: any(p["attempts"] for p in site.sf.admin.outbound_status()["pending"]),
        "a delivery whose acknowledgement was lost",
    )
    live_site.lose_acks = False
    site.sf.admin.advance_clock(16)
    site.sf.admin.deliver_outbound()

    status = site.sf.admin.outbound_status()
    assert status["pending"] == []
    first, second = status["deliveries"][:2]
    assert first["notification_ids"] == second["notification_ids"]
    assert second["acknowledged"]
    site.drain()
    assert _user(site, user_id)["last_name"] == "Byron"
    assert _inbound_results(site) == 1


def test_an_older_notification_does_not_overwrite_a_newer_local_change(site, live_site, salesforce_user):
    _directions(site, FirstName=Direction.BOTH)
    user_id, contact_id = _synced_contact(site, "alan@example.com", first_name="Alan")
    site.sf.admin.define_outbound_message("ContactBack", "Contact", FIELDS, _webhook(site, live_site))
    with site.writing():
        host.sync.pause(site.plugin, "held by the test")
        db.session.commit()

    salesforce_user.update("Contact", contact_id, FirstName="Salesforce's older name")
    site.wait_for(lambda: _inbound_entries(site) == 1, "the notification to be queued")
    with site.writing():
        update_user(db.session.get(User, user_id), {"first_name": "Newer local name"})
        host.sync.resume(site.plugin)
        db.session.commit()
    site.drain()
    site.wait_for(lambda: not site.sf.admin.outbound_status()["pending"], "Salesforce's messages to be delivered")
    site.drain()

    assert _user(site, user_id)["first_name"] == "Newer local name"
    assert site.record("alan@example.com")["FirstName"] == "Newer local name"
    with site.app.app_context():
        first = db.session.scalars(
            select(SyncResult).where(SyncResult.kind == "inbound").order_by(SyncResult.record_id)
        ).first()
    assert "fields kept: the site's change is newer" in first.message


def test_a_topic_added_or_removed_in_salesforce_reaches_the_user_tags(site, live_site, salesforce_user):
    """Only the topics change, no field: the org's rule on topic changes sends the Contact."""
    _directions(site, LastName=Direction.BOTH)
    user_id, contact_id = _synced_contact(site, "mary@example.com", first_name="Mary", last_name="Jackson")
    site.sf.admin.define_outbound_message(
        "ContactTopics", "Contact", FIELDS, _webhook(site, live_site), on=("create", "update", "topics")
    )

    assignment_id = salesforce_user.assign_topic(contact_id, "Engineers")
    site.wait_for(lambda: _user(site, user_id)["tags"] == ["Engineers"], "the new topic to become a tag")
    salesforce_user.delete("TopicAssignment", assignment_id)
    site.wait_for(lambda: _user(site, user_id)["tags"] == [], "the removed topic to leave the tags")
    site.drain()

    assert _user(site, user_id) == {
        "first_name": "Mary",
        "last_name": "Jackson",
        "email": "mary@example.com",
        "tags": [],
    }
    assert _inbound_results(site) == 2
    assert [d["message"] for d in site.sf.admin.outbound_status()["deliveries"]] == ["ContactTopics"] * 2


def test_the_add_endpoint_creates_a_user_with_tags_and_a_set_password_link(site, live_site, salesforce_user):
    # The worker builds the mailed link from the site's public address.
    site.app.config["PLUGHOST_EXTERNAL_URL"] = live_site.url
    _directions(site, FirstName=Direction.BOTH, LastName=Direction.BOTH)
    site.sf.admin.define_outbound_message(
        "NewContacts", "Contact", FIELDS, _webhook(site, live_site, Action.ADD), on=("create", "update", "topics")
    )

    contact_id = salesforce_user.create("Contact", Email="new@example.com", FirstName="Katherine", LastName="Johnson")
    user_id = site.wait_for(lambda: _find(site, "new@example.com"), "the new user")
    site.drain()
    assert _user(site, user_id)["first_name"] == "Katherine"
    salesforce_user.assign_topic(contact_id, "Imported")
    site.wait_for(lambda: _user(site, user_id)["tags"] == ["Imported"], "the topic to become a tag")
    assert len(site.records("Contact")) == 1

    page = site.admin.get(f"/admin/users/{user_id}")
    link = _set_password_link(page.get_data(as_text=True))
    with site.app.app_context():
        mailed = [message for message in written_mail() if message.to == "new@example.com"]
    assert [message.subject for message in mailed] == ["Choose your password"]
    mailed_link = _set_password_link(mailed[0].body)
    visitor = site.app.test_client()
    assert visitor.get(mailed_link).status_code == 200
    assert visitor.get(link).status_code == 200
    answer = visitor.post(link, data={"password": "a brand new secret", "password_confirm": "a brand new secret"})
    assert answer.status_code == 302
    assert visitor.get(link).status_code == 404
    assert visitor.get(mailed_link).status_code == 404


def _find(site, email: str) -> int | None:
    with site.app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def _set_password_link(text: str) -> str:
    """The path of the set-password link in a page or a mail."""
    found = re.search(r"/salesforce_contacts/set-password/[\w.-]+", text)
    assert found, "no set-password link"
    return found.group(0)


ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>{org}</OrganizationId>
   <ActionId>04kKX0000000001AAA</ActionId>
   <SessionId xsi:nil="true"/>
   <Notification>
    <Id>04lKX0000000001AAA</Id>
    <sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>{contact}</sf:Id>
     <sf:Email>victim@example.com</sf:Email>
     <sf:LastName>{last_name}</sf:LastName>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>"""
XXE = '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def test_messages_that_are_not_genuine_are_refused_and_change_nothing(site, live_site):
    _directions(site, LastName=Direction.BOTH)
    user_id, contact_id = _synced_contact(site, "victim@example.com", last_name="Original")
    url = _webhook(site, live_site)
    org = site.sf.config.org_id

    def post(target: str, body: str | bytes) -> requests.Response:
        return requests.post(target, data=body, headers={"Content-Type": "text/xml; charset=utf-8"}, timeout=10)

    def envelope(org_id: str = org, doctype: str = "", last_name: str = "Changed") -> str:
        return ENVELOPE.format(doctype=doctype, org=org_id, contact=contact_id, last_name=last_name)

    endpoint_path, key = url.split("?key=")
    refusals = {
        "wrong key": post(f"{endpoint_path}?key={key[:-1]}x", envelope()),
        "no key": post(endpoint_path, envelope()),
        "unknown endpoint": post(f"{live_site.url}/salesforce_contacts/outbound/nope?key={key}", envelope()),
        "another org": post(url, envelope(org_id="00DKX0000000999AAA")),
        "malformed XML": post(url, envelope()[:-20]),
        "not an outbound message": post(url, "<hello/>"),
        "XXE": post(url, envelope(doctype=XXE, last_name="&xxe;")),
        "billion laughs": post(url, envelope(doctype=LAUGHS, last_name="&lol3;")),
        "oversized": post(url, envelope().replace("Changed", "x" * (1024 * 1024 + 1))),
    }

    assert {reason: answer.status_code for reason, answer in refusals.items()} == {
        "wrong key": 403,
        "no key": 403,
        "unknown endpoint": 403,
        "another org": 403,
        "malformed XML": 400,
        "not an outbound message": 400,
        "XXE": 400,
        "billion laughs": 400,
        "oversized": 413,
    }
    assert "Ack" not in "".join(answer.text for answer in refusals.values())
    assert _inbound_entries(site) == 0 and _inbound_results(site) == 0
    assert _user(site, user_id)["last_name"] == "Original"

    accepted = post(url, envelope(org_id=org[:15]))
    assert accepted.status_code == 200 and "<Ack>true</Ack>" in accepted.text
    site.wait_for(lambda: _user(site, user_id)["last_name"] == "Changed", "the genuine message to apply")


def _notification(notification_id: str, contact_id: str, email: str, first_name: str) -> dict:
    fields = {
        "Id": contact_id,
        "Email": email,
        "FirstName": first_name,
        "LastName": "Lovelace",
        "LastModifiedDate": "2030-01-01T10:00:00.000Z",
    }
    notification = {"id": notification_id, "sobject": "Contact", "record_id": contact_id, "fields": fields}
    return {"action": Action.UPDATE.value, "notification": notification}


def _inbound_status(site, notification_id: str) -> host.sync.RecordStatus | None:
    with site.app.app_context():
        return host.sync.record_status(site.plugin, "inbound", notification_id)


def test_a_notification_that_cannot_be_applied_fails_alone(site, caplog):
    _directions(site, FirstName=Direction.BOTH)
    good_id, good_contact = _synced_contact(site, "good@example.com")
    bad_id, bad_contact = _synced_contact(site, "bad@example.com")
    with site.writing():
        # Paused, so both notifications go out in one batch.
        host.sync.pause(site.plugin, "both notifications are queued first")
        site.plugin.store.set(f"inbound.state.{bad_id}", {"salesforce": None, "applied_at": "not a time"})
        host.sync.enqueue(
            site.plugin,
            "inbound",
            "04l000000000001",
            _notification("04l000000000001", good_contact, "good@example.com", "Goodness"),
        )
        host.sync.enqueue(
            site.plugin,
            "inbound",
            "04l000000000002",
            _notification("04l000000000002", bad_contact, "bad@example.com", "Badness"),
        )
        db.session.commit()
    with site.writing():
        host.sync.resume(site.plugin)
        db.session.commit()

    settled = ("done", "dead")
    good = site.wait_for(
        lambda: (s := _inbound_status(site, "04l000000000001")) and s.state in settled and s,
        "the good notification to settle",
    )
    bad = site.wait_for(
        lambda: (s := _inbound_status(site, "04l000000000002")) and s.state in settled and s,
        "the bad notification to settle",
    )

    assert good.state == "done", good.message
    # Both settled by the batch's first delivery, not by retries that split it up.
    assert (good.attempts, bad.attempts) == (1, 1)
    assert _user(site, good_id)["first_name"] == "Goodness"
    assert bad.state == "dead"
    assert bad.message == (
        f"Contact {bad_contact} could not be applied because of an unexpected error on the site; "
        "the site's log has the details under notification 04l000000000002."
    )
    assert _user(site, bad_id)["first_name"] == "Ada"
    assert "04l000000000002" in caplog.text
