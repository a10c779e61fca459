"""Users become Contacts with their mapped fields and topics, and follow later changes."""

from salesforce_emulator.testing import EmulatorHandle


def test_registration_creates_a_contact_with_mapped_fields_and_topics(site):
    site.registration_tags("Newsletter", "Members")

    user_id = site.register("grace@example.com", first_name="Grace", last_name="Hopper", phone="+1 555 0100")

    status = site.wait_synced(user_id)
    assert status.state == "done", status.message
    contact = site.record("grace@example.com")
    assert (contact["FirstName"], contact["LastName"], contact["Phone"]) == ("Grace", "Hopper", "+1 555 0100")
    assert contact["HasOptedOutOfEmail"] is True
    assert status.external_id == contact["Id"]
    assert site.topics_of(contact["Id"]) == {"Newsletter", "Members"}
