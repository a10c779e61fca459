"""Email and SMS opt-outs flow both ways and the latest explicit choice wins: an opt-out
made in Salesforce reaches the user, no unrelated sync clears it, a re-consent on the
site is sent as the user's choice, and imports and linking keep a record's opt-outs."""

from datetime import datetime

import pytest

from host.extensions import db
from host.models import User
from host.plugins import registry
from host.services.users import update_user
from host.sync.models import SyncResult
from host.timestamps import as_utc
from plugins.salesforce_contacts.inbound.endpoints import Action, add_endpoint

SMS_FIELD = "SMS_Opt_Out__c"
MESSAGE_FIELDS = ["Email", "LastName", "HasOptedOutOfEmail", SMS_FIELD, "LastModifiedDate"]
OPT_OUT = {"email": "HasOptedOutOfEmail", "sms": SMS_FIELD}


@pytest.fixture
def consent_site(site):
    site.sf.admin.define_field("Contact", {"name": SMS_FIELD, "type": "boolean"})
    site.configure(sms_opt_out_field=SMS_FIELD)
    site.admin.post("/admin/plugins/salesforce_contacts/refresh")
    return site


def _webhook(site, live_site) -> None:
    with site.writing():
        endpoint = add_endpoint(site.plugin.store, Action.UPDATE)
        db.session.commit()
    url = f"{live_site.url}/salesforce_contacts/outbound/{endpoint.id}?key={endpoint.key}"
    site.sf.admin.define_outbound_message("ContactBack", "Contact", MESSAGE_FIELDS, url)


def _consent(site, user_id: int, channel: str) -> tuple[bool, str | None, datetime | None, list[tuple]]:
    with site.app.app_context():
        user = db.session.get(User, user_id)
        history = [
            (change.granted, change.source) for change in user.consent_changes if change.channel.value == channel
        ]
        at = getattr(user, f"{channel}_consent_at")
        return (
            getattr(user, f"marketing_{channel}_consent"),
            getattr(user, f"{channel}_consent_source"),
            as_utc(at) if at else None,
            history,
        )


def _inbound_messages(site) -> list[str]:
    with site.app.app_context():
        results = db.session.scalars(db.select(SyncResult).where(SyncResult.kind == "inbound"))
        return [result.message for result in results]


def _edit(site, user_id: int, **values) -> None:
    with site.writing():
        update_user(db.session.get(User, user_id), values)
        db.session.commit()


def _salesforce_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("+0000", "+00:00"))


def _registered(site, email: str) -> tuple[int, str]:
    user_id = site.register(email, marketing_email_consent=True, marketing_sms_consent=True)
    assert site.wait_synced(user_id).state == "done"
    contact = site.record(email)
    assert (contact["HasOptedOutOfEmail"], contact[SMS_FIELD]) == (False, False)
    return user_id, contact["Id"]


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_an_opt_out_in_salesforce_stays_through_unrelated_edits_until_the_user_consents_again(
    consent_site, live_site, salesforce_user, channel
):
    site = consent_site
    field = OPT_OUT[channel]
    user_id, contact_id = _registered(site, "reader@example.com")
    _webhook(site, live_site)

    salesforce_user.update("Contact", contact_id, **{field: True})
    site.wait_for(lambda: not _consent(site, user_id, channel)[0], "the opt-out to reach the user")
    granted, source, at, history = _consent(site, user_id, channel)
    assert (granted, source) == (False, "salesforce")
    assert at == _salesforce_time(site.record("reader@example.com")["LastModifiedDate"])
    assert history == [(False, "salesforce"), (True, "user")]
    label = {"email": "email", "sms": "text messages"}[channel]
    site.drain()
    assert any(f"{label} consent withdrawn" in message for message in _inbound_messages(site)), _inbound_messages(site)

    _edit(site, user_id, phone="+44 20 7946 0000")
    site.drain()
    contact = site.record("reader@example.com")
    assert (contact["Phone"], contact[field]) == ("+44 20 7946 0000", True)

    _edit(site, user_id, **{f"marketing_{channel}_consent": True})
    site.drain()
    assert site.record("reader@example.com")[field] is False
    site.wait_for(lambda: not site.sf.admin.outbound_status()["pending"], "Salesforce's messages to be delivered")
    site.drain()
    granted, source, _at, history = _consent(site, user_id, channel)
    assert (granted, source) == (True, "user")
    assert history[0] == (True, "user")
    assert site.record("reader@example.com")[field] is False


def test_an_unrelated_edit_never_clears_an_opt_out_the_site_has_not_heard_of(consent_site, salesforce_user):
    site = consent_site
    user_id, contact_id = _registered(site, "quiet@example.com")

    # No outbound message: the site cannot know of these opt-outs.
    salesforce_user.update("Contact", contact_id, HasOptedOutOfEmail=True, **{SMS_FIELD: True})
    _edit(site, user_id, last_name="Byron")
    site.drain()

    contact = site.record("quiet@example.com")
    assert (contact["LastName"], contact["HasOptedOutOfEmail"], contact[SMS_FIELD]) == ("Byron", True, True)
    assert _consent(site, user_id, "email")[:2] == (True, "user")


def test_a_stale_opt_out_in_a_later_message_does_not_undo_a_newer_consent(consent_site, live_site, salesforce_user):
    site = consent_site
    user_id, contact_id = _registered(site, "again@example.com")
    _webhook(site, live_site)
    salesforce_user.update("Contact", contact_id, HasOptedOutOfEmail=True)
    site.wait_for(lambda: not _consent(site, user_id, "email")[0], "the opt-out to reach the user")
    _edit(site, user_id, marketing_email_consent=True)
    site.drain()

    # An edit in Salesforce of something else sends the opt-out field as it now is.
    salesforce_user.update("Contact", contact_id, LastName="Other")
    site.wait_for(lambda: not site.sf.admin.outbound_status()["pending"], "Salesforce's messages to be delivered")
    site.drain()
    assert _consent(site, user_id, "email")[:2] == (True, "user")
    assert site.record("again@example.com")["HasOptedOutOfEmail"] is False


def _user_id(site, email: str) -> int:
    with site.app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_import_applies_the_records_opt_outs_to_the_users_it_creates_and_links(consent_site):
    site = consent_site
    with site.writing():
        registry.disable(site.plugin.name)
        db.session.commit()
    existing_id = site.register("linked@example.com", marketing_email_consent=True, marketing_sms_consent=True)
    with site.writing():
        registry.enable(site.plugin.name)
        db.session.commit()
    topic_id = site.sf.admin.insert("Topic", Name="Webinar")
    records = {
        "out@example.com": {"HasOptedOutOfEmail": True, SMS_FIELD: True},
        "in@example.com": {},
        "linked@example.com": {"HasOptedOutOfEmail": True},
    }
    for email, fields in records.items():
        record_id = site.sf.admin.insert("Contact", Email=email, LastName="Imported", **fields)
        site.sf.admin.insert("TopicAssignment", EntityId=record_id, TopicId=topic_id)

    progress = site.import_from_admin_page("topic", "Webinar")
    assert (progress["created"], progress["linked"]) == (2, 1)

    opted_out = _user_id(site, "out@example.com")
    for channel in ("email", "sms"):
        granted, source, at, history = _consent(site, opted_out, channel)
        assert (granted, source, history) == (False, "import", [(False, "import")])
        assert at == _salesforce_time(site.record("out@example.com")["LastModifiedDate"])
    assert _consent(site, _user_id(site, "in@example.com"), "email")[:2] == (True, "import")
    assert _consent(site, existing_id, "email")[:2] == (False, "import")
    assert _consent(site, existing_id, "sms")[:2] == (True, "user")

    # Nothing imported is sent back, and a later edit keeps every opt-out.
    site.drain()
    _edit(site, existing_id, phone="+1 555 0100")
    site.drain()
    contact = site.record("linked@example.com")
    assert (contact["Phone"], contact["HasOptedOutOfEmail"], contact[SMS_FIELD]) == ("+1 555 0100", True, False)
    assert site.record("in@example.com")["HasOptedOutOfEmail"] is False


@pytest.mark.parametrize("strategy", ["fill_empty", "link_only"])
def test_linking_to_an_existing_contact_never_clears_its_opt_out(make_site, strategy):
    site = make_site(merge_strategy=strategy)
    contact_id = site.sf.admin.insert(
        "Contact", Email="known@example.com", LastName="Existing", HasOptedOutOfEmail=True
    )

    user_id = site.register("known@example.com", marketing_email_consent=True)

    status = site.wait_synced(user_id)
    assert (status.state, status.external_id) == ("done", contact_id)
    assert site.record("known@example.com")["HasOptedOutOfEmail"] is True
    granted, source, _at, history = _consent(site, user_id, "email")
    assert (granted, source, history) == (False, "salesforce", [(False, "salesforce"), (True, "user")])

    _edit(site, user_id, phone="+1 555 0100")
    site.drain()
    assert site.record("known@example.com")["HasOptedOutOfEmail"] is True


def test_the_setup_page_explains_consent_and_offers_only_checkboxes_for_the_sms_opt_out(site):
    site.sf.admin.define_field("Contact", {"name": "Nickname__c", "type": "string", "length": 40})
    site.sf.admin.define_field("Contact", {"name": "Texts_Off__c", "type": "boolean"})
    site.admin.post("/admin/plugins/salesforce_contacts/refresh")
    page = site.admin.get("/admin/plugins/salesforce_contacts/fields").get_data(as_text=True)
    picker = page.split('id="sms_opt_out_field"', 1)[1].split("</select>", 1)[0]
    assert 'value="Texts_Off__c"' in picker
    assert "Nickname__c" not in picker and 'value="HasOptedOutOfEmail"' not in picker
    assert "How consent is synced" in page and "<code>HasOptedOutOfEmail</code> (email)" in page
    # The opt-out is no mapping row: it follows the consent, not a user field.
    assert 'name="map-HasOptedOutOfEmail"' not in page

    refused = site.admin.post(
        "/admin/plugins/salesforce_contacts/mapping", data={"sms_opt_out_field": "Nickname__c"}, follow_redirects=True
    )
    assert refused.status_code == 200
    assert "Nickname__c is not a checkbox field of Contact; nothing was saved." in refused.get_data(as_text=True)
    with site.app.app_context():
        assert not site.plugin.settings.get("sms_opt_out_field")

    site.admin.post("/admin/plugins/salesforce_contacts/mapping", data={"sms_opt_out_field": "Texts_Off__c"})
    with site.app.app_context():
        assert site.plugin.settings.get("sms_opt_out_field") == "Texts_Off__c"
    page = site.admin.get("/admin/plugins/salesforce_contacts/fields").get_data(as_text=True)
    assert "<code>Texts_Off__c</code> (text messages)" in page
    webhooks = site.admin.get("/admin/plugins/salesforce_contacts/webhooks").get_data(as_text=True)
    assert "Texts_Off__c" in webhooks.split("Include these fields in it:", 1)[1].split("</p>", 1)[0]
