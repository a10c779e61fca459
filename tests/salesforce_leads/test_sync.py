"""Affiliates reach Salesforce through the queue, checked in the emulator over HTTP."""

from leads_site import Site
from polling import wait_for

import host.sync
from host.extensions import db
from host.models import Affiliate
from host.services.affiliates import delete_affiliate

COLLECTIONS = "composite/sobjects"


def _collections_calls(site: Site) -> list[dict]:
    return [call for call in site.emulator.admin.calls() if call["endpoint"].startswith(COLLECTIONS)]


def test_a_new_affiliate_becomes_a_lead_in_one_call_and_the_notice_turns_green(connected: Site) -> None:
    connected.emulator.admin.clear_calls()
    affiliate_id = connected.create_affiliate(phone="+1 555 0100", country="US", website="https://navy.example")
    connected.drain()
    [lead] = connected.records("Lead")
    assert (lead["FirstName"], lead["LastName"], lead["Email"], lead["Company"]) == (
        "Grace",
        "Hopper",
        "grace@example.com",
        "Navy",
    )
    assert (lead["Phone"], lead["Country"], lead["Website"]) == ("+1 555 0100", "US", "https://navy.example")
    assert len(connected.emulator.admin.calls()) == 1
    status = connected.status(affiliate_id)
    assert status["ok"] is True
    assert status["message"] == f"Synced to Salesforce — Lead {lead['Id']}"
    assert status["record_url"] == f"{connected.emulator.base_url}/lightning/r/Lead/{lead['Id']}/view"
    assert status["api_usage"].startswith("API usage today:")
    page = connected.admin.get(f"/admin/affiliates/{affiliate_id}").get_data(as_text=True)
    assert f"Synced to Salesforce — Lead {lead['Id']}" in page and "Resync" in page
    unknown = "/admin/plugins/salesforce_leads/affiliates/999999/sync-status"
    assert connected.admin.get(unknown).status_code == 404, "no retry offered for an affiliate that is not there"


def test_an_edit_updates_the_same_lead_by_its_id(connected: Site) -> None:
    affiliate_id = connected.create_affiliate()
    connected.drain()
    [created] = connected.records("Lead")
    connected.update_affiliate(affiliate_id, email="hopper@example.com", company="Univac")
    connected.drain()
    [updated] = connected.records("Lead")
    assert updated["Id"] == created["Id"]
    assert (updated["Email"], updated["Company"]) == ("hopper@example.com", "Univac")
    assert connected.status(affiliate_id)["ok"] is True


def test_an_affiliate_without_company_reaches_salesforce_with_the_shipped_default(connected: Site) -> None:
    affiliate_id = connected.create_affiliate(company="")
    connected.drain()
    assert connected.status(affiliate_id)["ok"] is True
    assert [lead["Company"] for lead in connected.records("Lead")] == ["Website sign-up"]


def test_an_affiliate_without_company_fails_with_the_sentence_and_no_call(connected: Site) -> None:
    mapping = {
        "map-FirstName": "first_name",
        "map-LastName": "last_name",
        "map-Email": "email",
        "map-Company": "company",
    }
    saved = connected.admin.post("/admin/plugins/salesforce_leads/fields", data=mapping, follow_redirects=True)
    assert "The field mapping for Lead is saved." in saved.get_data(as_text=True), "no default for Company"
    connected.emulator.admin.clear_calls()
    affiliate_id = connected.create_affiliate(company="")
    connected.drain()
    status = connected.status(affiliate_id)
    assert status["ok"] is False
    assert "Salesforce requires Company on Lead; map an affiliate field to it or set a default." in status["message"]
    assert status["state"] == "dead"
    assert connected.records("Lead") == []
    assert _collections_calls(connected) == []
    page = connected.admin.get(f"/admin/affiliates/{affiliate_id}").get_data(as_text=True)
    assert "Retry" in page


def test_a_default_company_fills_the_gap(connected: Site) -> None:
    form = {
        f"map-{name}": key
        for name, key in {
            "FirstName": "first_name",
            "LastName": "last_name",
            "Email": "email",
            "Company": "company",
        }.items()
    }
    page = connected.admin.post(
        "/admin/plugins/salesforce_leads/fields", data={**form, "default-Company": "Independent"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "The field mapping for Lead is saved." in page
    connected.create_affiliate(company="")
    connected.drain()
    assert [lead["Company"] for lead in connected.records("Lead")] == ["Independent"]


def test_a_mapping_that_feeds_no_company_is_refused(connected: Site) -> None:
    page = connected.admin.post(
        "/admin/plugins/salesforce_leads/fields", data={"map-LastName": "last_name"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Salesforce requires Company on Lead; map an affiliate field to it or set a default." in page
    assert "saved" not in page


def test_a_custom_object_matched_by_external_id(site: Site) -> None:
    site.settings(destination_object="Partner__c", external_id_field="External_Id__c")
    assert "Connected to" in site.connect()
    page = site.admin.post(
        "/admin/plugins/salesforce_leads/fields",
        data={"map-Name": "company", "map-Email__c": "email"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The field mapping for Partner__c is saved." in page
    affiliate_id = site.create_affiliate()
    site.drain()
    [partner] = site.records("Partner__c")
    assert (partner["Name"], partner["Email__c"], partner["External_Id__c"]) == (
        "Navy",
        "grace@example.com",
        str(affiliate_id),
    )
    assert site.records("Lead") == []
    assert site.status(affiliate_id)["message"] == f"Synced to Salesforce — Partner__c {partner['Id']}"


def test_a_burst_goes_out_in_collections_of_at_most_200(connected: Site) -> None:
    from host.extensions import db
    from host.services.affiliates import create_affiliate

    connected.emulator.admin.clear_calls()
    with connected.app.app_context():
        for number in range(450):
            create_affiliate(first_name="A", last_name=f"N{number}", email=f"a{number}@example.com", company="Co")
        db.session.commit()
    connected.drain(timeout=60)
    assert len(connected.records("Lead")) == 450
    calls = connected.emulator.admin.calls()
    assert len(calls) == 3, [call["endpoint"] for call in calls]
    assert all(call["endpoint"].startswith(COLLECTIONS) for call in calls)


def test_an_expired_session_is_refreshed_once(connected: Site) -> None:
    connected.emulator.admin.expire_sessions()
    connected.emulator.admin.clear_calls()
    affiliate_id = connected.create_affiliate()
    connected.drain()
    assert connected.status(affiliate_id)["ok"] is True
    calls = [(call["path"].rsplit("/v62.0/", 1)[-1], call["status"]) for call in connected.emulator.admin.calls()]
    assert calls == [("composite/sobjects/Lead/Email", 401), ("composite/sobjects/Lead/Email", 200)]


def test_a_revoked_refresh_token_pauses_with_a_banner_and_delivers_after_reauthorizing(connected: Site) -> None:
    emulator = connected.emulator
    emulator.admin.revoke_refresh_tokens(emulator.username)
    emulator.admin.expire_sessions()
    affiliate_id = connected.create_affiliate()
    wait_for(connected.is_paused, "the plugin's queue to pause")
    status = connected.status(affiliate_id)
    assert status["ok"] is None and status["state"] in ("pending", "retrying")
    assert "Waiting: syncing to Salesforce is paused." in status["message"]
    page = connected.admin.get("/admin/affiliates/").get_data(as_text=True)
    org = emulator.config
    assert (
        f'<span title="Salesforce org ID {org.org_id}">Salesforce Leads has stopped syncing with {org.org_name}. '
        "Salesforce needs reauthorization"
    ) in page
    assert 'href="/admin/plugins/salesforce_leads/#salesforce-connection">Reconnect' in page
    assert "Needs reauthorization" in connected.admin.get("/admin/marketplace/").get_data(as_text=True)
    assert connected.records("Lead") == []

    assert "Connected to" in connected.connect()
    connected.drain()
    assert not connected.is_paused()
    assert [lead["Email"] for lead in connected.records("Lead")] == ["grace@example.com"]
    assert connected.status(affiliate_id)["ok"] is True
    assert "stopped syncing" not in connected.admin.get("/admin/affiliates/").get_data(as_text=True)


def test_an_exhausted_api_limit_pauses_and_nothing_fails(connected: Site) -> None:
    import host.sync

    # The usage stays high in these tests; filling batches under pressure is tested on its own.
    connected.settings(batch_wait_seconds=0)
    emulator = connected.emulator
    emulator.admin.settings(api_usage=emulator.config.api_limit)
    affiliate_id = connected.create_affiliate()
    wait_for(connected.is_paused, "the plugin's queue to pause")
    status = connected.status(affiliate_id)
    assert status["ok"] is None
    assert "API limit is used up" in status["message"]

    emulator.admin.settings(api_usage=0)
    with connected.app.app_context():
        host.sync.resume(connected.plugin)
        from host.extensions import db

        db.session.commit()
    connected.drain()
    assert connected.status(affiliate_id)["ok"] is True
    assert len(connected.records("Lead")) == 1


def test_several_leads_with_the_email_fail_clearly_and_none_is_touched(connected: Site) -> None:
    admin = connected.emulator.admin
    first = admin.insert("Lead", LastName="Hopper", Company="Navy", Email="grace@example.com")
    second = admin.insert("Lead", LastName="Hopper", Company="Univac", Email="grace@example.com")
    affiliate_id = connected.create_affiliate(company="Harvard")
    connected.drain()
    status = connected.status(affiliate_id)
    assert status["ok"] is False
    assert (
        f"2 Lead records match this affiliate's Email ({first} and {second}); nothing was changed." in status["message"]
    )
    assert sorted(lead["Company"] for lead in connected.records("Lead")) == ["Navy", "Univac"]


def test_deleting_an_affiliate_deletes_its_lead_as_the_confirmation_says(connected: Site) -> None:
    affiliate_id = connected.create_affiliate()
    connected.drain()
    [lead] = connected.records("Lead")
    page = connected.admin.get(f"/admin/affiliates/{affiliate_id}").get_data(as_text=True)
    assert f"The Lead in Salesforce ({lead['Id']}) is deleted too." in page
    with connected.app.app_context():
        delete_affiliate(db.session.get(Affiliate, affiliate_id))
        db.session.commit()
    connected.drain()
    assert connected.records("Lead") == []


def test_deleting_an_affiliate_that_never_reached_salesforce_is_said_to_change_nothing_there(site: Site) -> None:
    affiliate_id = site.create_affiliate()
    page = site.admin.get(f"/admin/affiliates/{affiliate_id}").get_data(as_text=True)
    assert "The affiliate has not reached Salesforce, so nothing changes there." in page


def test_the_backfill_command_sends_affiliates_made_before_the_plugin(site: Site) -> None:
    from host.extensions import db
    from host.plugins import registry

    with site.app.app_context():
        registry.disable(site.plugin.name)
        db.session.commit()
    for number in range(3):
        site.create_affiliate(email=f"early{number}@example.com")
    with site.app.app_context():
        registry.enable(site.plugin.name)
        db.session.commit()
    assert "Connected to" in site.connect()
    site.drain()
    assert site.records("Lead") == []
    result = site.app.test_cli_runner().invoke(args=["salesforce_leads", "backfill"])
    assert result.exit_code == 0, result.output
    assert "Queued 3 affiliates" in result.output
    site.drain()
    assert sorted(lead["Email"] for lead in site.records("Lead")) == [f"early{n}@example.com" for n in range(3)]


def test_records_created_before_a_failing_call_are_not_created_again(site: Site) -> None:
    """A batch creates a record, then its next call fails: the retry updates that record
    by its Id instead of creating a second one (a custom object without a key to match)."""
    site.settings(destination_object="Partner__c", batch_wait_seconds=0)
    assert "Connected to" in site.connect()
    site.admin.post("/admin/plugins/salesforce_leads/fields", data={"map-Name": "company", "map-Email__c": "email"})
    first = site.create_affiliate(email="first@example.com", company="First")
    site.drain()
    assert [partner["Name"] for partner in site.records("Partner__c")] == ["First"]

    with site.app.test_request_context(method="POST"):
        host.sync.pause(site.plugin, "holding one batch")
        db.session.commit()
    site.create_affiliate(email="second@example.com", company="Second")
    with site.app.test_request_context(method="POST"):
        delete_affiliate(db.session.get(Affiliate, first))
        db.session.commit()
    # One call left today: the batch creates "Second", then its delete of "First" is refused.
    emulator = site.emulator
    emulator.admin.settings(api_usage=emulator.config.api_limit - 1)
    with site.app.test_request_context(method="POST"):
        host.sync.resume(site.plugin)
        db.session.commit()
    wait_for(site.is_paused, "the exhausted API limit to pause the queue")
    assert sorted(partner["Name"] for partner in site.records("Partner__c")) == ["First", "Second"]

    emulator.admin.settings(api_usage=0)
    with site.app.test_request_context(method="POST"):
        host.sync.resume(site.plugin)
        db.session.commit()
    site.drain()
    assert [partner["Name"] for partner in site.records("Partner__c")] == ["Second"]
