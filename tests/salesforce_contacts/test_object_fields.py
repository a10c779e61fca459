"""The Object & fields tab: the API version and object chosen from the org's lists
only, the shared mapping rows checked against describe, and mappings kept in the
earlier form moved on the first read."""

import html
import re

import pytest

from host.extensions import db
from host.plugins.settings import SettingsValidationError
from plugins.salesforce_common.field_mapping import FIELD_MAPPING_KEY, Direction
from plugins.salesforce_contacts.mapping import incoming_mapping, load_mapping

PAGE = "/admin/plugins/salesforce_contacts/"
BASIC = {"map-Email": "email", "map-LastName": "last_name"}


def _post(site, path: str, **form: str) -> str:
    page = site.admin.post(PAGE + path, data=form, follow_redirects=True)
    return html.unescape(page.get_data(as_text=True))


def _setting(site, key: str) -> object:
    with site.app.app_context():
        return site.plugin.settings.get(key)


def test_the_api_version_is_chosen_from_the_versions_the_org_serves(site) -> None:
    page = site.admin.get(PAGE + "fields").get_data(as_text=True)
    listed = re.findall(r'<option value="(\d+\.\d)"', page)
    assert "62.0" in listed and len(listed) > 1
    assert "Choose one of the API versions listed; nothing was saved." in _post(
        site, "api-version", api_version="sixty-two"
    )
    assert _setting(site, "api_version") == "62.0"
    assert "Calls now use API version 61.0." in _post(site, "api-version", api_version="61.0")
    assert _setting(site, "api_version") == "61.0"


def test_a_version_that_is_not_a_number_is_refused_by_the_setting_itself(site) -> None:
    with site.app.app_context(), pytest.raises(SettingsValidationError) as refusal:
        site.plugin.settings.update({"api_version": "sixty-two"})
    assert "The API version must be a number such as 62.0, chosen from the org's list." in str(refusal.value)
    assert _setting(site, "api_version") == "62.0"


def test_an_object_name_that_is_not_listed_is_refused(site) -> None:
    assert "Choose one of the objects listed; nothing was saved." in _post(
        site, "object", object_type="Contact; DROP TABLE"
    )
    assert _setting(site, "object_type") == "Contact"


def test_before_connecting_the_lists_show_the_current_value_and_say_why(make_site) -> None:
    site = make_site(connect=False)
    page = site.admin.get(PAGE + "fields").get_data(as_text=True)
    assert re.search(
        r'<select id="api_version" name="api_version" disabled[^>]*>\s*<option value="62.0" selected>', page
    )
    assert re.search(
        r'<select id="object_type" name="object_type" disabled[^>]*>\s*<option value="Contact" selected>', page
    )
    assert "The lists are filled from the org: connect to Salesforce to choose another." in page
    assert "The version cannot be checked now" in _post(site, "api-version", api_version="61.0")
    assert _setting(site, "api_version") in (None, "62.0")


def test_rows_carry_a_direction_and_a_default_and_required_fields_are_flagged(site) -> None:
    page = site.admin.get(PAGE + "fields").get_data(as_text=True)
    assert 'name="direction-LastName"' in page and 'name="default-LastName"' in page
    assert ">Required</span>" in page
    saved = _post(site, "mapping", **BASIC, **{"map-Title": "display_name", "default-Title": "Member"})
    assert "Field mapping saved" in saved
    with site.app.app_context():
        mapping = load_mapping(site.plugin.store, "Contact")
    assert mapping.row("Title").default == "Member"
    user_id = site.register("ada@example.com", first_name="Ada", last_name="Lovelace")
    site.wait_synced(user_id)
    assert site.record("ada@example.com")["Title"] == "Ada Lovelace"


def test_a_text_field_into_a_date_field_is_refused(site) -> None:
    page = _post(site, "mapping", **BASIC, **{"map-Birthdate": "phone"})
    assert "Phone is text, and Birthdate (Birthdate) takes a date: choose a field that fits." in page
    assert "Nothing was saved." in page


def test_the_role_cannot_come_from_salesforce(site) -> None:
    page = _post(site, "mapping", **BASIC, **{"map-Title": "role", "direction-Title": "both"})
    assert "Role is not changed from Salesforce; choose To Salesforce for Title (Title)." in page


def test_a_direction_the_page_does_not_offer_is_refused(site) -> None:
    page = _post(site, "mapping", **BASIC, **{"direction-Email": "sideways"})
    assert "Choose To Salesforce, From Salesforce or Both ways for each mapped field; nothing was saved." in page


def test_a_mapping_kept_in_the_earlier_form_is_moved_on_first_read(site) -> None:
    with site.writing():
        site.plugin.store.set("contacts.field_mapping", {"contact": {"Email": "email", "LastName": "last_name"}})
        site.plugin.store.set("contacts.field_directions", {"contact": {"LastName": "both"}})
        db.session.commit()
    with site.writing():
        assert incoming_mapping(site.plugin.store, "Contact") == {"LastName": "last_name"}
        db.session.commit()
    with site.app.app_context():
        store = site.plugin.store
        assert store.get("contacts.field_mapping") is None and store.get("contacts.field_directions") is None
        rows = load_mapping(store, "Contact").rows
        assert [(row.salesforce_field, row.direction) for row in rows] == [
            ("Email", Direction.TO_SALESFORCE),
            ("LastName", Direction.BOTH),
        ]
        assert "contact" in store.get(FIELD_MAPPING_KEY)


def test_saving_the_mapping_keeps_the_tag_picklist_chosen_on_the_tags_tab(make_site) -> None:
    site = make_site(segmentation="multipicklist", segmentation_field="Interests__c")
    page = site.admin.get(PAGE + "fields").get_data(as_text=True)
    assert 'id="segmentation_field"' not in page and 'href="/admin/plugins/salesforce_contacts/tags"' in page
    assert "Field mapping saved" in _post(site, "mapping", **BASIC)
    assert _setting(site, "segmentation_field") == "Interests__c"
