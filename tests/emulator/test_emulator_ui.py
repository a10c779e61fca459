"""The emulator's web UI for browsing and editing records."""

import re

from emulator_rest_client import Api
from requests import Session

from salesforce_emulator.testing import EmulatorHandle


def test_ui_requires_the_admin_token(emulator: EmulatorHandle) -> None:
    """The UI shows nothing without the admin token."""
    browser = emulator.session()
    assert "Admin token" in browser.get(f"{emulator.base_url}/_emulator/ui/Contact").text
    refused = browser.post(f"{emulator.base_url}/_emulator/ui/login", data={"token": "wrong"})
    assert "not the admin token" in refused.text


def test_ui_lists_records_with_topics_and_edits_them(api: Api, emulator: EmulatorHandle, ui: Session) -> None:
    """Records are listed with their fields and topics; edits are validated like API writes."""
    contact = api.create("Contact", LastName="Shown", Email="shown@example.com")
    topic = api.create("Topic", Name="Gold")
    api.create("TopicAssignment", TopicId=topic, EntityId=contact)
    page = ui.get(f"{emulator.base_url}/_emulator/ui/Contact").text
    assert "shown@example.com" in page and "Gold" in page
    form = ui.get(f"{emulator.base_url}/_emulator/ui/Contact/{contact}").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    url = f"{emulator.base_url}/_emulator/ui/Contact/{contact}"
    saved = ui.post(url, data={"csrf_token": csrf, "Title": "Chief"})
    assert saved.status_code == 200 and api.get(f"sobjects/Contact/{contact}").json()["Title"] == "Chief"
    invalid = ui.post(url, data={"csrf_token": csrf, "Email": "nope"})
    assert "INVALID_EMAIL_ADDRESS" in invalid.text
    assert api.get(f"sobjects/Contact/{contact}").json()["Email"] == "shown@example.com"
    assert ui.post(url, data={"Title": "No token"}).status_code == 400


def test_lightning_record_address_opens_the_record(api: Api, emulator: EmulatorHandle, ui: Session) -> None:
    """Salesforce shows a record at {instance_url}/lightning/r/{Object}/{Id}/view, where
    integrations link admins; here that address opens the record's page."""
    contact = api.create("Contact", LastName="Linked", Email="linked@example.com")
    page = ui.get(f"{emulator.base_url}/lightning/r/Contact/{contact}/view")
    assert page.status_code == 200
    assert page.url == f"{emulator.base_url}/_emulator/ui/Contact/{contact}"
    assert "linked@example.com" in page.text


def test_records_table_cuts_long_values_and_keeps_them_whole_in_the_tooltip(
    api: Api, emulator: EmulatorHandle, ui: Session
) -> None:
    """A long value does not widen the records table: it is cut to one line, whole in its title."""
    description = "A very long description that would otherwise widen the table " * 4
    api.create("Contact", LastName="Wordy", Description=description.strip())
    page = ui.get(f"{emulator.base_url}/_emulator/ui/Contact").text
    assert f'<span class="clip" title="{description.strip()}">' in page
    assert '<div class="table-box">' in page
    stylesheet = emulator.session().get(f"{emulator.base_url}/static/emulator.css")
    assert stylesheet.status_code == 200 and stylesheet.headers["Content-Type"].startswith("text/css")
    assert ".table-box" in stylesheet.text and "overflow-x: auto" in stylesheet.text


def test_unknown_objects_and_records_get_a_sentence(emulator: EmulatorHandle, ui: Session) -> None:
    unknown = ui.get(f"{emulator.base_url}/_emulator/ui/Nonesuch__c")
    assert unknown.status_code == 404 and "no object named Nonesuch__c" in unknown.text
    missing = ui.get(f"{emulator.base_url}/_emulator/ui/Contact/003000000000000AAA")
    assert missing.status_code == 404 and "There is no Contact 003000000000000AAA" in missing.text
    assert 'href="/static/emulator.css"' in missing.text
