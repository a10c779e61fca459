"""What Salesforce refuses of a user's record is said: in its result, on the setup page, on the dashboard.

A tag the restricted picklist lacks goes out left out of the record; a mapped field
Salesforce deleted or made read-only is found on refresh and when a call is refused.
"""

import html
import re

from host.extensions import db
from plugins.salesforce_common.field_mapping import FieldMapping, MappingRow
from plugins.salesforce_contacts.mapping import DEFAULT_MAPPINGS, save_mapping

SETUP = "/admin/plugins/salesforce_contacts/"
NICKNAME = {"name": "Nickname__c", "label": "Nickname", "type": "string", "length": 40}


def _page(site, path: str) -> str:
    response = site.admin.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


def _text(page: str) -> str:
    """The page's words, as a person reads them."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" .", ".").replace(" :", ":")


def _field(site, sobject: str, name: str):
    return site.sf.org.schema.objects[sobject.lower()].fields[name.lower()]


def test_tags_the_picklist_lacks_are_named_in_the_result_the_tags_section_and_the_dashboard(make_site):
    site = make_site(segmentation="multipicklist", segmentation_field="Interests__c")
    site.admin.post(f"{SETUP}refresh")
    site.registration_tags("Webinar", "Golf", "Chess")

    user_id = site.register("golfer@example.com")

    status = site.wait_synced(user_id)
    assert status.state == "done"
    contact = site.record("golfer@example.com")
    assert contact["Interests__c"] == "Webinar"
    assert status.message == (
        f"Created Contact {contact['Id']}; left out the tags Chess, Golf: Interests__c has no such values. "
        "Add them to the picklist in Salesforce Setup, then Refresh on the plugin's Tags page."
    )

    tags = _text(_page(site, f"{SETUP}tags"))
    assert "Tags Interests__c has no value for: Chess, Golf." in tags
    assert "add each as a value of Interests (Interests__c) in Salesforce Setup" in tags
    dashboard = _page(site, "/admin/")
    assert (
        "Salesforce Contacts: 2 site tags (Chess, Golf) have no value in Interests__c, so users' records leave them "
        "out. Add the values in Salesforce Setup, then Refresh."
    ) in _text(dashboard)
    assert f'href="{SETUP}tags#tags-salesforce-lacks"' in dashboard

    # The owner adds Golf in Salesforce and refreshes: only Chess is still left out.
    with site.sf.org.lock:
        _field(site, "Contact", "Interests__c").picklist_values.append("Golf")
    site.admin.post(f"{SETUP}refresh")
    assert "1 site tag (Chess) has no value in Interests__c" in _text(_page(site, "/admin/"))
    site.change_tags(user_id, remove=("Webinar",))
    site.drain()
    assert site.record("golfer@example.com")["Interests__c"] == "Golf"
    assert site.status(user_id).message.endswith(
        "; left out the tag Chess: Interests__c has no such value. "
        "Add it to the picklist in Salesforce Setup, then Refresh on the "
        "plugin's Tags page."
    )


def test_a_user_whose_tags_all_have_values_gets_the_plain_result(make_site):
    site = make_site(segmentation="multipicklist", segmentation_field="Interests__c")
    site.registration_tags("Webinar")
    user_id = site.register("plain@example.com")
    status = site.wait_synced(user_id)
    assert status.message == f"Created Contact {site.record('plain@example.com')['Id']}."
    assert "Sent only in part" not in _page(site, "/admin/")


def _map_nickname(site) -> None:
    site.sf.admin.define_field("Contact", NICKNAME)
    site.admin.post(f"{SETUP}refresh")
    with site.writing():
        save_mapping(
            site.plugin.store,
            "Contact",
            FieldMapping((*DEFAULT_MAPPINGS["contact"].rows, MappingRow("Nickname__c", "first_name"))),
        )
        db.session.commit()


def test_a_mapped_field_made_read_only_is_named_when_refused_then_marked_and_warned_of(make_site):
    site = make_site()
    _map_nickname(site)
    first = site.register("first@example.com", first_name="Ada")
    assert site.wait_synced(first).state == "done"
    assert site.record("first@example.com")["Nickname__c"] == "Ada"

    # Salesforce makes the field read-only; the site's cached fields still say it is writable.
    with site.sf.org.lock:
        field = _field(site, "Contact", "Nickname__c")
        field.createable = field.updateable = False
    second = site.register("second@example.com", first_name="Grace")

    status = site.wait_synced(second)
    assert status.state == "dead"
    sentence = (
        "Salesforce does not let the connected user set Nickname__c on Contact (read-only, or hidden by field-level "
        "security); remove it from the mapping or grant edit access in Salesforce."
    )
    assert sentence in status.message

    # The refusal had the fields read again: the mapping page marks the row, the dashboard warns.
    setup = _page(site, f"{SETUP}fields")
    assert 'id="refused-fields"' in setup
    assert f'<tr class="refused"><td><code>Nickname__c</code></td><td>first_name</td><td>{sentence}</td></tr>' in setup
    dashboard = _page(site, "/admin/")
    assert f"Salesforce Contacts: {sentence}" in _text(dashboard)
    assert f'href="{SETUP}fields#refused-fields"' in dashboard


def test_a_mapped_field_deleted_in_salesforce_is_found_when_fields_are_refreshed(make_site):
    site = make_site()
    _map_nickname(site)
    assert "Sent only in part" not in _page(site, "/admin/")

    with site.sf.org.lock:
        del site.sf.org.schema.objects["contact"].fields["nickname__c"]
    site.admin.post(f"{SETUP}refresh")

    sentence = (
        "Contact has no field Nickname__c that the connected user can see; correct the field mapping, or refresh "
        "the Salesforce fields if it was just added."
    )
    assert f"<td>{sentence}</td>" in _page(site, f"{SETUP}fields")
    assert f"Salesforce Contacts: {sentence}" in _text(_page(site, "/admin/"))
    user_id = site.register("after@example.com")
    status = site.wait_synced(user_id)
    assert status.state == "dead" and sentence in status.message, "checked before sending, without a call"
