"""Consent: every change on record with its source and time, the latest choice winning,
and a box left as it was shown being no choice."""

from datetime import timedelta

from host.extensions import db
from host.models import Channel, User
from host.services.consents import ADMIN, ConsentOrigin
from host.services.users import register_user, update_user
from host.snapshots import FieldChange
from host.timestamps import as_utc, utcnow


def _user(app, user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def _history(user: User) -> list[tuple[str, bool, str, str]]:
    return [(change.channel.value, change.granted, change.source, change.note) for change in user.consent_changes]


def test_registration_records_both_choices_and_an_edit_records_only_a_change(recording_site, recorder):
    user = register_user(
        email="jane@example.com",
        password="s3cret-enough",
        first_name="Jane",
        last_name="Doe",
        marketing_email_consent=True,
    )
    db.session.commit()
    assert (user.email_consent_source, user.sms_consent_source) == ("user", "user")
    assert sorted(_history(user)) == [
        ("email", True, "user", "at registration"),
        ("sms", False, "user", "at registration"),
    ]

    assert update_user(user, {"marketing_email_consent": True, "phone": "+1 555"}).keys() == {"phone"}
    changes = update_user(user, {"marketing_sms_consent": True}, ConsentOrigin(ADMIN, note="by owner"))
    db.session.commit()

    assert changes == {"marketing_sms_consent": FieldChange(False, True)}
    assert user.marketing_sms_consent and user.sms_consent_source == "admin"
    assert _history(user)[0] == ("sms", True, "admin", "by owner")
    assert len(user.consent_changes) == 3
    [event] = recorder.of("user_updated")[-1:]
    assert event["user"].sms_consent_source == "admin"


def test_a_choice_older_than_the_current_one_changes_nothing(recording_site, recorder):
    user = register_user(email="old@example.com", password="s3cret-enough", first_name="O", last_name="Ld")
    db.session.commit()
    chosen = as_utc(user.email_consent_at)

    older = ConsentOrigin("salesforce", at=chosen - timedelta(minutes=5))
    assert update_user(user, {"marketing_email_consent": True}, older) == {}
    newer = ConsentOrigin("salesforce", at=chosen + timedelta(minutes=5), note="Contact 003")
    assert update_user(user, {"marketing_email_consent": True}, newer) == {
        "marketing_email_consent": FieldChange(False, True)
    }
    db.session.commit()
    assert as_utc(user.email_consent_at) == chosen + timedelta(minutes=5)
    assert _history(user)[0] == ("email", True, "salesforce", "Contact 003")


def test_the_admin_sees_the_history_and_a_stale_profile_page_does_not_resubscribe(app, admin_client, make_user, log_in):
    user_id = make_user(app, email="reader@example.com", marketing_email_consent=True)
    visitor = log_in(app.test_client(), user_id)
    page = visitor.get("/account/").text
    assert 'name="marketing_email_consent_shown" type="hidden" value="1"' in page

    # Meanwhile the person unsubscribes elsewhere.
    with app.test_request_context(method="POST"):
        update_user(
            _user(app, user_id), {"marketing_email_consent": False}, ConsentOrigin("salesforce", note="Contact 003")
        )
        db.session.commit()
    # The page opened before still shows the box ticked; saving a new phone number is no choice.
    form = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "reader@example.com",
        "phone": "+44 20 0000",
        "marketing_email_consent": "y",
        "marketing_email_consent_shown": "1",
        "marketing_sms_consent_shown": "0",
    }
    assert "Your profile is saved." in visitor.post("/account/", data=form, follow_redirects=True).text
    with app.app_context():
        user = _user(app, user_id)
        assert (user.phone, user.marketing_email_consent, user.email_consent_source) == (
            "+44 20 0000",
            False,
            "salesforce",
        )

    # Ticking the box the page showed cleared is a choice, the user's own.
    again = {**form, "marketing_email_consent_shown": "0"}
    visitor.post("/account/", data=again)
    with app.app_context():
        user = _user(app, user_id)
        assert (user.marketing_email_consent, user.email_consent_source) == (True, "user")
        assert _history(user)[0] == ("email", True, "user", "on their profile page")
        assert as_utc(user.email_consent_at) <= utcnow()

    admin_page = admin_client.get(f"/admin/users/{user_id}").text
    assert "Every change, newest first" in admin_page
    assert "Withdrawn" in admin_page and "Salesforce" in admin_page and "Contact 003" in admin_page
    assert "The user" in admin_page and "on their profile page" in admin_page
    admin_client.post(
        f"/admin/users/{user_id}",
        data={**again, "marketing_sms_consent": "y", "marketing_email_consent_shown": "1", "role": "subscriber"},
    )
    with app.app_context():
        user = _user(app, user_id)
        assert (user.marketing_sms_consent, user.sms_consent_source) == (True, "admin")
        assert _history(user)[0] == ("sms", True, "admin", "by owner@example.com")
        assert user.consent_changes[0].channel is Channel.SMS
