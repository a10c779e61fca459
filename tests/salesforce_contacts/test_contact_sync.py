"""Users become Contacts with their mapped fields and topics, and follow later changes."""

from host.extensions import db
from host.models import User
from host.services.users import update_user


def _edit(site, user_id: int, **values) -> None:
    with site.writing():
        update_user(db.session.get(User, user_id), values)
        db.session.commit()


def test_registration_creates_a_contact_with_mapped_fields_and_topics(site):
    site.registration_tags("Newsletter", "Members")

    user_id = site.register("grace@example.com", first_name="Grace", last_name="Hopper", phone="+1 555 0100")

    status = site.wait_synced(user_id)
    assert status.state == "done", status.message
    contact = site.record("grace@example.com")
    assert (contact["FirstName"], contact["LastName"], contact["Phone"]) == ("Grace", "Hopper", "+1 555 0100")
    assert status.external_id == contact["Id"]
    assert site.topics_of(contact["Id"]) == {"Newsletter", "Members"}
    assert site.api_calls() == 1


def test_tags_added_and_removed_by_an_admin_change_the_topics(site):
    site.registration_tags("Newsletter")
    user_id = site.register("ada@example.com")
    site.wait_synced(user_id)
    contact_id = site.record("ada@example.com")["Id"]
    site.sf.admin.clear_calls()

    site.change_tags(user_id, add=("VIP", "Webinar"), remove=("Newsletter",))
    site.drain()

    assert site.topics_of(contact_id) == {"VIP", "Webinar"}
    assert site.api_calls() == 1
    site.change_tags(user_id, remove=("VIP",))
    site.drain()
    assert site.topics_of(contact_id) == {"Webinar"}
    assert site.api_calls() == 2


def test_a_profile_edit_is_one_call_and_follows_an_email_change(site):
    user_id = site.register("old@example.com", last_name="Before")
    site.wait_synced(user_id)
    contact_id = site.record("old@example.com")["Id"]
    site.sf.admin.clear_calls()

    _edit(site, user_id, email="new@example.com", last_name="After")
    site.drain()

    contact = site.record("new@example.com")
    assert (contact["Id"], contact["LastName"]) == (contact_id, "After")
    assert len(site.records("Contact")) == 1
    assert site.api_calls() == 1


def test_marketing_consent_sets_email_and_sms_opt_out(make_site):
    site = make_site()
    site.sf.admin.define_field("Contact", {"name": "SMS_Opt_Out__c", "type": "boolean"})
    site.configure(sms_opt_out_field="SMS_Opt_Out__c")
    site.admin.post("/admin/plugins/salesforce_contacts/refresh")
    user_id = site.register("consent@example.com", marketing_email_consent=True, marketing_sms_consent=True)
    site.wait_synced(user_id)
    contact = site.record("consent@example.com")
    assert (contact["HasOptedOutOfEmail"], contact["SMS_Opt_Out__c"]) == (False, False)

    _edit(site, user_id, marketing_email_consent=False, marketing_sms_consent=False)
    site.drain()

    contact = site.record("consent@example.com")
    assert (contact["HasOptedOutOfEmail"], contact["SMS_Opt_Out__c"]) == (True, True)
