"""A mapped field Salesforce deleted or made read-only is named: in the result, on the mapping page, on the dashboard."""

import html
import re

from leads_site import Site

FIELDS = "/admin/plugins/salesforce_leads/fields"
NICKNAME = {"name": "Nickname__c", "label": "Nickname", "type": "string", "length": 80}
MAPPING = {
    "map-FirstName": "first_name",
    "map-LastName": "last_name",
    "map-Email": "email",
    "map-Company": "company",
    "map-Nickname__c": "notes",
    "default-Company": "Website sign-up",
}


def _text(site: Site, path: str) -> str:
    response = site.admin.get(path)
    assert response.status_code == 200, path
    page = html.unescape(response.get_data(as_text=True))
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _map_nickname(site: Site) -> None:
    site.emulator.admin.define_field("Lead", NICKNAME)
    site.admin.post(FIELDS, data={"refresh": "1"})
    saved = site.admin.post(FIELDS, data=MAPPING, follow_redirects=True)
    assert "The field mapping for Lead is saved." in saved.get_data(as_text=True)


def _lead_field(site: Site, name: str):
    return site.emulator.org.schema.objects["lead"].fields[name.lower()]


def test_a_field_made_read_only_is_named_when_refused_then_marked_and_warned_of(connected: Site) -> None:
    _map_nickname(connected)
    first = connected.create_affiliate(notes="Amazing Grace")
    connected.drain()
    assert connected.status(first)["ok"] is True

    with connected.emulator.org.lock:
        field = _lead_field(connected, "Nickname__c")
        field.createable = field.updateable = False
    second = connected.create_affiliate(email="ada@example.com", notes="Countess")
    connected.drain()

    sentence = (
        "Salesforce does not let the connected user set Nickname__c on Lead (read-only, or hidden by field-level "
        "security); remove it from the mapping or grant edit access in Salesforce."
    )
    status = connected.status(second)
    assert status["ok"] is False and status["state"] == "dead"
    assert sentence in status["message"]

    page = connected.admin.get(FIELDS).get_data(as_text=True)
    assert 'id="refused-fields"' in page
    assert f'<tr class="refused"><td><code>Nickname__c</code></td><td>notes</td><td>{sentence}</td></tr>' in page
    assert f"Salesforce Leads: {sentence}" in _text(connected, "/admin/")
    assert f'href="{FIELDS}#refused-fields"' in connected.admin.get("/admin/").get_data(as_text=True)


def test_a_field_deleted_in_salesforce_is_found_when_fields_are_refreshed(connected: Site) -> None:
    _map_nickname(connected)
    assert "Sent only in part" not in _text(connected, "/admin/")

    with connected.emulator.org.lock:
        del connected.emulator.org.schema.objects["lead"].fields["nickname__c"]
    connected.admin.post(FIELDS, data={"refresh": "1"})

    sentence = (
        "Lead has no field Nickname__c that the connected user can see; correct the field mapping, or refresh the "
        "Salesforce fields if it was just added."
    )
    assert f"Nickname__c notes {sentence}" in _text(connected, FIELDS)
    assert f"Salesforce Leads: {sentence}" in _text(connected, "/admin/")

    # Saving the mapping as the page shows it leaves the field out, and the warning goes.
    mapping = {name: value for name, value in MAPPING.items() if name != "map-Nickname__c"}
    connected.admin.post(FIELDS, data=mapping)
    assert "Sent only in part" not in _text(connected, "/admin/")
