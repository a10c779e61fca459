"""End users never wait on Salesforce; whatever state it is in, nothing is lost."""

import host.sync
from host.extensions import db
from host.models import User


def _register_through_the_form(site, email: str) -> None:
    response = site.app.test_client().post(
        "/register",
        data={
            "first_name": "Grace",
            "last_name": "Hopper",
            "email": email,
            "phone": "",
            "password": "correct horse battery",
            "password_confirm": "correct horse battery",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _user_id(site, email: str) -> int:
    with site.app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_registration_does_not_wait_for_a_slow_salesforce(site):
    site.sf.admin.settings(latency_ms=1500)

    _register_through_the_form(site, "slow@example.com")

    # The registration has answered while its Contact, 1.5 s away, is still on its way.
    assert site.records("Contact") == []
    status = site.wait_synced(_user_id(site, "slow@example.com"))
    assert status.state == "done"
    site.sf.admin.settings(latency_ms=0)


def test_registration_while_salesforce_is_down_arrives_once_it_is_back(site):
    site.sf.admin.settings(outage_seconds=3600)

    _register_through_the_form(site, "down@example.com")

    user_id = _user_id(site, "down@example.com")
    site.wait_for_state(user_id, "retrying")
    assert site.records("Contact") == []

    site.sf.admin.settings(outage_seconds=0)
    assert site.wait_synced(user_id).state == "done"
    contact = site.record("down@example.com")
    assert (contact["FirstName"], contact["LastName"]) == ("Grace", "Hopper")


def test_a_revoked_token_pauses_shows_reauthorize_everywhere_and_loses_nothing(site):
    site.sf.admin.revoke_refresh_tokens(site.sf.username)
    site.sf.admin.expire_sessions()

    user_id = site.register("held@example.com")

    site.wait_for(lambda: site.paused(), "the plugin to pause")
    dashboard = site.admin.get("/admin/").get_data(as_text=True)
    assert "Salesforce Contacts has stopped syncing" in dashboard
    assert "Reconnect" in dashboard
    marketplace = site.admin.get("/admin/marketplace/").get_data(as_text=True)
    assert "Reconnect" in marketplace
    setup = site.admin.get("/admin/plugins/salesforce_contacts/", follow_redirects=True).get_data(as_text=True)
    assert "Reconnect" in setup
    assert site.records("Contact") == []

    site.connect()

    assert site.wait_synced(user_id).state == "done"
    assert site.record("held@example.com")
    with site.app.app_context():
        assert not host.sync.is_paused(site.plugin)
