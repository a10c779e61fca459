"""The Leads mapping page on the shared field mapping: rows checked against the org's
describe when saved, the destination object chosen from the org's list, and mappings
kept in the earlier form moved on the first read."""

import html

from leads_site import Site

from host.extensions import db
from plugins.salesforce_common.field_mapping import FIELD_MAPPING_KEY

FIELDS = "/admin/plugins/salesforce_leads/fields"
BASIC = {"map-LastName": "last_name", "map-Email": "email", "map-Company": "company"}


def _save(site: Site, **form: str) -> str:
    return html.unescape(site.admin.post(FIELDS, data=form, follow_redirects=True).get_data(as_text=True))


def _stored(site: Site, key: str) -> object:
    with site.app.app_context():
        return site.plugin.store.get(key)


def test_required_fields_are_flagged_and_company_has_its_default(connected: Site) -> None:
    page = connected.admin.get(FIELDS).get_data(as_text=True)
    assert page.count(">Required</span>") == 2  # LastName and Company
    assert 'name="default-Company" aria-label="Company default"\n        value="Website sign-up"' in page
    assert 'name="direction-' not in page, "Leads only send: no direction to choose"


def test_a_text_field_into_a_number_field_is_refused_with_a_sentence(connected: Site) -> None:
    page = _save(connected, **BASIC, **{"map-NumberOfEmployees": "notes"})
    assert "Notes is text, and Employees (NumberOfEmployees) takes a whole number: choose a field that fits." in page
    assert "is saved" not in page
    assert _stored(connected, FIELD_MAPPING_KEY) is None


def test_an_affiliate_id_fits_a_number_field(connected: Site) -> None:
    page = _save(connected, **BASIC, **{"map-NumberOfEmployees": "id", "default-AnnualRevenue": "1000"})
    assert "The field mapping for Lead is saved." in page
    affiliate_id = connected.create_affiliate()
    connected.drain()
    assert connected.status(affiliate_id)["ok"] is True, connected.status(affiliate_id)
    [lead] = connected.records("Lead")
    assert (lead["NumberOfEmployees"], lead["AnnualRevenue"]) == (affiliate_id, 1000)


def test_defaults_are_held_to_length_type_and_restricted_picklist_values(connected: Site) -> None:
    connected.emulator.admin.define_field(
        "Lead",
        {"name": "Tier__c", "type": "picklist", "picklistValues": ["Gold", "Silver"], "restrictedPicklist": True},
    )
    _save(connected, refresh="1")
    page = _save(
        connected,
        **BASIC,
        **{"default-Tier__c": "Platinum", "default-Title": "x" * 129, "default-AnnualRevenue": "lots"},
    )
    assert "The default for Tier (Tier__c): 'Platinum' is not an allowed value of Tier__c on Lead" in page
    assert "The default for Title (Title): The record's value for Title is longer than Lead allows (128" in page
    assert "The default for Annual Revenue (AnnualRevenue): 'lots' is not a number." in page
    assert "is saved" not in page
    page = _save(connected, **BASIC, **{"default-Tier__c": "Gold", "default-AnnualRevenue": "1000"})
    assert "The field mapping for Lead is saved." in page


def test_a_field_the_object_lacks_is_refused(connected: Site) -> None:
    page = _save(connected, **BASIC, **{"map-Nickname__c": "notes"})
    assert "Lead has no field Nickname__c; choose one the page lists." in page


def test_a_site_field_the_page_does_not_offer_is_refused(connected: Site) -> None:
    page = _save(connected, **BASIC, **{"map-Title": "password_hash"})
    assert "Choose site fields from the lists for Salesforce fields of the object; nothing was saved." in page


def test_the_object_is_chosen_from_the_orgs_list_only(connected: Site) -> None:
    page = connected.admin.get(FIELDS).get_data(as_text=True)
    assert '<option value="Partner__c">' in page
    refused = _save(connected, destination_object="Contact; DROP TABLE")
    assert "Choose one of the objects listed; nothing was saved." in refused
    with connected.app.app_context():
        assert connected.plugin.settings.get("destination_object") == "Lead"
    chosen = _save(connected, destination_object="Partner__c")
    assert "Affiliates now go to Partner__c." in chosen
    assert 'name="destination_object"' not in connected.admin.get("/admin/plugins/salesforce_leads/").get_data(
        as_text=True
    ), "the settings form no longer takes the object as text"


def test_before_connecting_the_object_list_shows_the_current_value_and_why(site: Site) -> None:
    page = site.admin.get(FIELDS).get_data(as_text=True)
    assert '<select id="destination_object" disabled' in page
    assert "<option selected>Lead</option>" in page
    assert "The lists are filled from the org: connect to Salesforce to choose another." in page


def test_a_mapping_kept_in_the_earlier_form_is_moved_on_first_read_and_used(connected: Site) -> None:
    with connected.app.app_context():
        connected.plugin.store.set(
            "leads.mapping.lead",
            {
                "fields": {"last_name": "LastName", "email": "Email", "notes": "Description"},
                "defaults": {"Company": "Old Co"},
            },
        )
        db.session.commit()
    connected.create_affiliate(company="", notes="Met at the fair")
    connected.drain()
    [lead] = connected.records("Lead")
    assert (lead["Company"], lead["Description"]) == ("Old Co", "Met at the fair")
    assert _stored(connected, "leads.mapping.lead") is None
    rows = {row["salesforce_field"]: row for row in _stored(connected, FIELD_MAPPING_KEY)["lead"]}
    assert rows["Description"]["site_field"] == "notes"
    assert (rows["Company"]["site_field"], rows["Company"]["default"]) == ("", "Old Co")
