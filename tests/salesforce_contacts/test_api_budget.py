"""The daily API limit and the plugin's share of it: pause briefly, look at ``limits``, resume once there is room."""

from datetime import timedelta

import host.sync
from host.extensions import db
from host.sync.pauses import active_pauses, pause_end
from host.timestamps import utcnow
from plugins.salesforce_common.api_budget import WAITING_KEY


def pause_of(site):
    with site.app.app_context():
        pause = active_pauses().get(site.plugin.name)
        return (pause.reason, pause_end(pause)) if pause else None


def resume(site) -> None:
    """What the pause's end does by itself, without waiting for it."""
    with site.writing():
        host.sync.resume(site.plugin)
        db.session.commit()


def waiting(site) -> dict | None:
    with site.app.app_context():
        return site.plugin.store.get(WAITING_KEY)


def test_an_exhausted_limit_pauses_briefly_and_resumes_once_limits_shows_room(site):
    site.configure(batch_wait_seconds=0)  # each change goes at once, so each step is one delivery
    sf = site.sf
    sf.admin.settings(api_usage=sf.config.api_limit)
    user_id = site.register("ada@example.com")
    site.wait_for(site.paused, "the queue to pause")
    reason, until = pause_of(site)
    assert "API limit is used up" in reason
    assert until is not None and until <= utcnow() + timedelta(minutes=5), "a short pause, not a fixed hour"

    # Still no room at the first look: one call to limits, nothing sent, a longer pause.
    sf.admin.clear_calls()
    resume(site)
    site.wait_for(site.paused, "the queue to pause again")
    assert sf.admin.call_counts() == {"GET limited": 1}, "only the look at limits, which Salesforce refused"
    assert waiting(site)["looks"] == 2
    _reason, later = pause_of(site)
    assert later is not None and later > utcnow() + timedelta(minutes=9)

    sf.admin.settings(api_usage=0)
    sf.admin.clear_calls()
    resume(site)
    assert site.wait_synced(user_id).state == "done"
    assert "GET limits" in sf.admin.call_counts()
    assert waiting(site) is None
    assert site.record("ada@example.com")


def test_the_plugin_keeps_within_its_share_of_the_daily_limit(site):
    sf = site.sf
    site.configure(api_budget_percent=50, batch_wait_seconds=0)
    sf.admin.settings(api_usage=int(sf.config.api_limit * 0.6))
    first = site.register("first@example.com")
    assert site.wait_synced(first).state == "done", "the usage is not known before the first call"

    second = site.register("second@example.com")
    site.wait_for(site.paused, "the budget to pause the queue")
    reason, _until = pause_of(site)
    assert reason.startswith("Syncing keeps within 50% of the org's daily API requests, and ")
    assert [record["Email"] for record in site.records()] == ["first@example.com"]

    sf.admin.settings(api_usage=int(sf.config.api_limit * 0.1))
    resume(site)
    assert site.wait_synced(second).state == "done"
    assert site.record("second@example.com")
