"""The connected org is named by its Name, read with SOQL when connecting, with its ID on hover."""

from typing import Any

from leads_site import Site

from host.cli import main
from host.database import independent_transaction
from host.extensions import db
from plugins.salesforce_common.grants import write_grant_record
from plugins.salesforce_common.status import connection_record, grant_of, stored_identity


def _card(page: str) -> str:
    start = page.index('id="plugin-salesforce_leads"')
    return page[start : page.index("</article>", start)]


def _stored_connection(site: Site) -> dict[str, Any]:
    with site.app.app_context():
        stored = connection_record(site.plugin.store)
        db.session.commit()
    assert stored is not None
    return stored


def test_connecting_stores_the_org_name_and_shows_it_with_the_id_on_hover(site: Site) -> None:
    org, username = site.emulator.config, site.emulator.username
    page = site.connect()

    assert f"Connected to {org.org_name} ({org.org_id}) as {username}" in page  # the flash, plain text
    hover = f'title="Salesforce org ID {org.org_id}"'
    assert f"Connected to <span {hover}>{org.org_name}</span> as {username}" in page  # the panel
    card = _card(site.admin.get("/admin/marketplace/").get_data(as_text=True))
    assert f"<span {hover}>Connected to {org.org_name} as {username}." in card
    with site.app.app_context():
        identity = stored_identity(site.plugin.store)
        db.session.commit()
    assert identity is not None and identity.organization_name == org.org_name
    queries = [call for call in site.emulator.admin.calls() if call["endpoint"] == "query"]
    assert len(queries) == 1


def test_the_cli_names_the_org_and_its_id(connected: Site) -> None:
    org = connected.emulator.config
    listed = connected.app.test_cli_runner().invoke(main, ["plugins", "list"]).output
    assert f"Connected to {org.org_name} as {connected.emulator.username}." in listed
    assert f"(Salesforce org ID {org.org_id})" in listed


def test_an_identity_stored_without_a_name_shows_the_id(connected: Site) -> None:
    stored = _stored_connection(connected)
    del stored["identity"]["organization_name"]
    with connected.app.app_context():
        with independent_transaction():
            grant = grant_of(connected.plugin.store)
            assert grant is not None
            write_grant_record(grant, stored)
        db.session.commit()
    org, username = connected.emulator.config, connected.emulator.username

    page = connected.admin.get("/admin/plugins/salesforce_leads/").get_data(as_text=True)
    assert f"Connected to {org.org_id} as {username}" in page
    card = _card(connected.admin.get("/admin/marketplace/").get_data(as_text=True))
    assert f"<span>Connected to {org.org_id} as {username}." in card


def test_connecting_succeeds_with_the_id_when_the_name_cannot_be_read(site: Site) -> None:
    site.emulator.admin.settings(api_enabled=False)
    org, username = site.emulator.config, site.emulator.username

    page = site.connect()

    assert f"Connected to {org.org_id} as {username}" in page
    assert org.org_name not in page
    assert _stored_connection(site)["state"] == "connected"
    assert _stored_connection(site)["identity"]["organization_name"] == ""
