"""What the owner sees: the setup page, the Marketplace card, the user's Salesforce panel."""

import re


def test_setup_page_shows_the_connection_objects_mapping_and_help(site):
    page = site.admin.get("/admin/plugins/salesforce_contacts/").get_data(as_text=True)

    assert f"as {site.sf.username}" in page
    assert "http://localhost/salesforce_contacts/oauth2/callback" in page
    assert "valid until revoked" in page and "five approvals" in page
    assert 'value="Lead"' in page and 'value="Partner__c"' in page
    assert "Last Name" in page and "Required" in page
    card = site.admin.get("/admin/marketplace/").get_data(as_text=True)
    org = site.sf.config
    assert f'<span title="Salesforce org ID {org.org_id}">Connected to {org.org_name} as {site.sf.username}' in card


def test_choosing_lead_flags_its_required_fields(site):
    site.admin.post("/admin/plugins/salesforce_contacts/object", data={"object_type": "Lead"})

    page = site.admin.get("/admin/plugins/salesforce_contacts/").get_data(as_text=True)

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


def test_before_the_first_connection_the_page_says_not_connected_and_actions_that_need_it_wait(make_site) -> None:
    site = make_site(connect=False)
    page = site.admin.get("/admin/plugins/salesforce_contacts/").get_data(as_text=True)
    assert "Not connected to Salesforce yet: press Connect to Salesforce first." in page
    assert "needs reauthorization" not in page
    assert re.search(r'<button type="submit" class="button secondary" disabled[^>]*>Refresh available topics', page)
    assert "connect to Salesforce first." in page
    site.connect()
    page = site.admin.get("/admin/plugins/salesforce_contacts/").get_data(as_text=True)
    assert "Not connected to Salesforce yet" not in page
    assert not re.search(r"disabled[^>]*>Refresh available topics", page)
