"""A Leads backfill above the plugin's Bulk API threshold goes out as one ingest job."""

from leads_site import Site

from host.extensions import db
from host.plugins import registry
from plugins.salesforce_leads.links import links_of


def test_a_backfill_above_the_threshold_is_one_bulk_job_and_links_every_lead(site: Site) -> None:
    with site.app.app_context():
        registry.disable(site.plugin.name)
        db.session.commit()
    ids = [site.create_affiliate(email=f"early{number}@example.com") for number in range(4)]
    with site.app.app_context():
        registry.enable(site.plugin.name)
        db.session.commit()
    site.settings(bulk_threshold=3)
    assert "Connected to" in site.connect()
    site.drain()
    site.emulator.admin.clear_calls()

    result = site.app.test_cli_runner().invoke(args=["salesforce_leads", "backfill"])
    assert result.exit_code == 0, result.output
    site.drain()

    counts = site.emulator.admin.call_counts()
    assert counts.get("POST jobs/ingest") == 1
    assert not any("composite" in call for call in counts)
    leads = {lead["Email"]: lead["Id"] for lead in site.records("Lead")}
    assert sorted(leads) == [f"early{n}@example.com" for n in range(4)]
    with site.app.app_context():
        links = links_of(ids)
    assert {str(affiliate_id): leads[f"early{n}@example.com"] for n, affiliate_id in enumerate(ids)} == {
        affiliate_id: link.record_id for affiliate_id, link in links.items()
    }
