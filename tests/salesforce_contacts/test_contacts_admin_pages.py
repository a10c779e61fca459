"""What the owner sees: the settings tabs, the Marketplace card, the user's Salesforce panel."""

import re

import pytest

from host.extensions import db
from host.plugins import registry
from host.services.users import register_user

PAGE = "/admin/plugins/salesforce_contacts/"
TABS = ("connection", "fields", "tags", "webhooks", "import/", "send")


def _tab(site, tab: str) -> str:
    return site.admin.get(PAGE + tab).get_data(as_text=True)


def test_each_tab_is_a_page_of_its_own_with_the_tab_bar(site):
    for tab in TABS:
        page = _tab(site, tab)
        bar = page.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
        for other in TABS:
            assert f'href="{PAGE}{other}"' in bar, (tab, other)
        assert f'href="{PAGE}{tab}" aria-current="page"' in bar
        assert bar.count("aria-current") == 1


def test_the_tabs_show_the_connection_objects_mapping_and_help(site):
    connection = _tab(site, "connection")
    assert f"as {site.sf.username}" in connection
    assert "http://localhost/salesforce_contacts/oauth2/callback" in connection
    assert "valid until revoked" in connection and "five approvals" in connection
    assert 'name="setting_consumer_key"' in connection and 'name="setting_merge_strategy"' not in connection
    fields = _tab(site, "fields")
    assert 'value="Lead"' in fields and 'value="Partner__c"' in fields
    assert "Last Name" in fields and "Required" in fields
    assert 'name="setting_merge_strategy"' in fields and 'name="setting_consumer_key"' not in fields
    assert "How records are sent" in _tab(site, "send")
    card = site.admin.get("/admin/marketplace/").get_data(as_text=True)
    org = site.sf.config
    assert f'<span title="Salesforce org ID {org.org_id}">Connected to {org.org_name} as {site.sf.username}' in card


def test_choosing_lead_flags_its_required_fields(site):
    site.admin.post("/admin/plugins/salesforce_contacts/object", data={"object_type": "Lead"})

    page = _tab(site, "fields")

    assert '<option value="Lead" selected>' in page
    assert "Company" in page


def test_refresh_loads_topics_that_can_be_imported_as_tags(site):
    site.sf.admin.insert("Topic", Name="Partners")

    site.admin.post("/admin/plugins/salesforce_contacts/refresh")
    site.admin.post("/admin/plugins/salesforce_contacts/import-tags")

    assert "Partners" in site.admin.get("/admin/tags/").get_data(as_text=True)


def test_user_page_links_the_record_and_resyncs(site):
    user_id = site.register("panel@example.com")
    site.wait_synced(user_id)
    contact_id = site.record("panel@example.com")["Id"]

    page = site.admin.get(f"/admin/users/{user_id}").get_data(as_text=True)

    assert f"{site.sf.base_url}/lightning/r/Contact/{contact_id}/view" in page
    assert "Created Contact" in page
    site.sf.admin.clear_calls()
    assert site.admin.post("/admin/plugins/salesforce_contacts/users/999999/resync").status_code == 404
    response = site.admin.post(f"/admin/plugins/salesforce_contacts/users/{user_id}/resync")
    assert response.status_code == 302
    site.drain()
    assert site.api_calls() == 1


def test_users_list_shows_each_users_record_or_failure(site):
    synced = site.register("listed@example.com")
    site.wait_synced(synced)
    contact_id = site.record("listed@example.com")["Id"]
    for last_name in ("One", "Two"):
        site.sf.admin.insert("Contact", Email="twice@example.com", LastName=last_name)
    failed = site.register("twice@example.com")
    failure = site.wait_synced(failed)
    assert failure.state == "dead"

    page = site.admin.get("/admin/users/").get_data(as_text=True)
    assert "<th>Salesforce</th>" in page
    rows = {email: row for row in page.split("<tr>") for email in ("listed@", "twice@") if email in row}
    assert f"/lightning/r/Contact/{contact_id}/view" in rows["listed@"]
    assert f'title="Contact {contact_id}"' in rows["listed@"]
    assert '<span class="badge badge-error">Failed</span>' in rows["twice@"]
    assert f"/admin/sync/salesforce_contacts/user/{failed}" in rows["twice@"]
    assert 'title="' in rows["twice@"].split("Failed")[0], "the error is shown on hover"


def test_sync_pages_name_people_and_plugins_and_ask_before_discarding(site):
    for last_name in ("One", "Two"):
        site.sf.admin.insert("Contact", Email="twice@example.com", LastName=last_name)
    user_id = site.register("twice@example.com", first_name="Tess", last_name="Twice")
    assert site.wait_synced(user_id).state == "dead"

    dead = site.admin.get("/admin/sync/dead").get_data(as_text=True)
    row = next(row for row in dead.split("<tr>") if "Tess Twice" in row)
    assert f'title="user {user_id}">Tess Twice</a>' in row and "Salesforce Contacts" in row
    assert '<details class="confirm">' in row and "Discard the change to Tess Twice?" in row
    records = site.admin.get("/admin/sync/records").get_data(as_text=True)
    assert "Tess Twice" in records and f">user {user_id}<" not in records
    record = site.admin.get(f"/admin/sync/salesforce_contacts/user/{user_id}").get_data(as_text=True)
    assert "<h1>Tess Twice" in record and f'href="/admin/users/{user_id}"' in record


def test_before_the_first_connection_the_tabs_say_not_connected_and_actions_that_need_it_wait(make_site) -> None:
    site = make_site(connect=False)
    opened = site.admin.get(PAGE)
    assert opened.status_code == 302 and opened.headers["Location"] == f"{PAGE}connection"
    for tab in TABS:
        page = _tab(site, tab)
        assert "Not connected yet" in page, tab
        assert "needs reauthorization" not in page.lower(), tab
    connection = _tab(site, "connection")
    assert re.search(r'<a href="[^"]*/connection" aria-current="page">Connection <span class="attention"', connection)
    for tab, button in [
        ("fields", "Refresh available topics &amp; fields"),
        ("fields", "Use this object"),
        ("tags", "Refresh available topics &amp; fields"),
        ("import/", "Import"),
    ]:
        page = _tab(site, tab)
        assert re.search(rf'disabled aria-describedby="needs-connection">{button}</button>', page), (tab, button)
        assert 'id="needs-connection"' in page
    site.connect()
    for tab in TABS:
        page = _tab(site, tab)
        assert "Not connected yet" not in page and "disabled aria-describedby" not in page, tab


@pytest.fixture
def earlier_users(make_site):
    """The owner and three users, all registered before the plugin was enabled; it is not connected yet."""
    site = make_site(connect=False)
    with site.writing():
        registry.disable(site.plugin.name)
        db.session.commit()
        for n in range(3):
            register_user(
                email=f"early{n}@example.com", password="correct horse battery", first_name="Eve", last_name="Early"
            )
        registry.enable(site.plugin.name)
        db.session.commit()
    return site


def test_users_from_before_are_counted_and_sent_from_the_connection_and_send_existing_tabs(earlier_users):
    site = earlier_users
    waiting = _tab(site, "send")
    assert "4 users are not in Salesforce yet." in waiting
    assert re.search(r'<button type="button" class="button" disabled[^>]*>Send them</button>', waiting)
    assert "Connect to Salesforce first." in waiting
    site.connect()
    opened = site.admin.get(PAGE)
    assert opened.headers["Location"] == f"{PAGE}send", "the first tab that needs attention"
    connection = _tab(site, "connection")
    assert "4 users are not in Salesforce yet." in connection
    [action] = re.findall(r'action="([^"]*send-existing)"', connection)
    assert action == "/admin/sync/salesforce_contacts/user/send-existing"
    assert f'name="next" value="{PAGE}send"' in connection

    sent = site.admin.post(action, data={"next": f"{PAGE}send"})
    assert sent.headers["Location"] == f"{PAGE}send"
    page = _tab(site, "send")
    assert "Sending 4 existing user records to Salesforce Contacts" in page
    site.drain()
    assert {record["Email"] for record in site.records()} >= {f"early{n}@example.com" for n in range(3)}
    page = _tab(site, "send")
    assert "not in Salesforce yet" not in page and 'http-equiv="refresh"' not in page
    assert "Every record is in Salesforce or on its way." in page
    assert site.admin.get(PAGE).headers["Location"] == f"{PAGE}connection"


def test_the_tags_tab_saves_where_tags_go_and_takes_only_a_picklist_field_the_object_has(site):
    site.sf.admin.define_field("Contact", {"name": "Segment__c", "type": "picklist", "picklistValues": ["Gold"]})
    site.admin.post(f"{PAGE}refresh", data={"back": "tags"})
    page = _tab(site, "tags")
    picker = page.split('id="segmentation_field"', 1)[1].split("</select>", 1)[0]
    assert 'value="Segment__c"' in picker and 'value="Email"' not in picker

    for refused in [
        {"segmentation": "picklist", "segmentation_field": "Email"},
        {"segmentation": "picklist", "segmentation_field": ""},
        {"segmentation": "everything", "segmentation_field": "Segment__c"},
    ]:
        answer = site.admin.post(f"{PAGE}tags", data=refused, follow_redirects=True)
        assert answer.request.path == f"{PAGE}tags"
        assert "nothing was saved" in answer.get_data(as_text=True), refused
    with site.app.app_context():
        assert (site.plugin.settings.get("segmentation"), site.plugin.settings.get("segmentation_field")) == (
            "topics",
            "",
        )

    saved = site.admin.post(f"{PAGE}tags", data={"segmentation": "picklist", "segmentation_field": "Segment__c"})
    assert saved.headers["Location"] == f"{PAGE}tags"
    with site.app.app_context():
        assert site.plugin.settings.get("segmentation") == "picklist"
        assert site.plugin.settings.get("segmentation_field") == "Segment__c"
    site.admin.post(f"{PAGE}tags", data={"segmentation": "topics", "segmentation_field": "Segment__c"})
    with site.app.app_context():
        assert (site.plugin.settings.get("segmentation"), site.plugin.settings.get("segmentation_field")) == (
            "topics",
            "",
        )


def test_a_tab_with_something_to_fix_is_marked_and_the_page_opens_at_the_first_one(make_site):
    site = make_site(segmentation="multipicklist", segmentation_field="Interests__c")
    site.admin.post(f"{PAGE}refresh")
    assert site.admin.get(PAGE).headers["Location"] == f"{PAGE}send", "the owner is not in Salesforce yet"

    site.registration_tags("Webinar", "Golf", "Chess")

    page = _tab(site, "connection")
    assert re.search(r'>Tags <span class="attention" title="2 site tags the picklist lacks"', page)
    assert site.admin.get(PAGE).headers["Location"] == f"{PAGE}tags"
