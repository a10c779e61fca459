"""The user services: what they store, and the hooks they fire with which snapshots."""

import pytest

from host.extensions import db
from host.models import CustomFieldOwner, Role, User
from host.services.custom_fields import add_custom_field
from host.services.errors import DuplicateEmail, InvalidValue
from host.services.passwords import verify_password
from host.services.tags import create_tag, delete_tag
from host.services.users import change_tags, delete_user, register_user, set_password, update_user
from host.snapshots import FieldChange


def register(**fields) -> User:
    values = {"email": "Jane.Doe@Example.COM", "password": "s3cret-enough", "first_name": "Jane", "last_name": "Doe"}
    return register_user(**{**values, **fields})


def test_hook_user_registered(recording_site, recorder):
    add_custom_field(CustomFieldOwner.USER, "shoe_size", "Shoe size")
    create_tag("newsletter", apply_on_registration=True)
    create_tag("vip")
    user = register(phone=" +44 20 7946 0000 ", marketing_email_consent=True, custom_fields={"shoe_size": "42"})
    db.session.commit()

    [event] = recorder.of("user_registered")
    snapshot = event["user"]
    assert snapshot.id == user.id
    assert snapshot.email == "jane.doe@example.com"
    assert (snapshot.first_name, snapshot.last_name, snapshot.phone) == ("Jane", "Doe", "+44 20 7946 0000")
    assert snapshot.marketing_email_consent and not snapshot.marketing_sms_consent
    assert snapshot.tags == frozenset({"newsletter"})
    assert dict(snapshot.custom_fields) == {"shoe_size": "42"}
    assert snapshot.role == "subscriber"
    assert verify_password(user.password_hash, "s3cret-enough")
    assert not verify_password(user.password_hash, "wrong password")


def test_an_account_registered_without_a_password_cannot_log_in_until_one_is_set(recording_site, recorder):
    first, second = register(password=None), register(email="john@example.com", password=None)
    db.session.commit()

    assert first.password_hash != second.password_hash, "each account's marker is its own"
    for user in (first, second):
        assert not user.password_hash.startswith("$argon2"), "nothing was hashed"
        assert not any(verify_password(user.password_hash, guess) for guess in ("", user.password_hash, "None"))
    set_password(first, "a fresh long passphrase")
    assert verify_password(first.password_hash, "a fresh long passphrase")
    assert len(recorder.of("user_registered")) == 2


def test_registration_refuses_a_taken_email_whatever_its_case(recording_site, recorder):
    register()
    db.session.commit()
    with pytest.raises(DuplicateEmail):
        register(email="JANE.doe@example.com")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    assert len(recorder.of("user_registered")) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"password": "short"}, "password"),
        ({"first_name": "  "}, "first_name"),
        ({"custom_fields": {"undefined": "x"}}, "custom_fields.undefined"),
    ],
)
def test_registration_refuses_invalid_values(recording_site, recorder, fields, field):
    with pytest.raises(InvalidValue) as refused:
        register(**fields)
    assert refused.value.field == field
    assert recorder.of("user_registered") == []


def test_hook_user_updated(recording_site, recorder):
    add_custom_field(CustomFieldOwner.USER, "shoe_size", "Shoe size")
    user = register(custom_fields={"shoe_size": "42"})
    db.session.commit()

    changes = update_user(
        user,
        {"first_name": "Janet", "last_name": "Doe", "email": "JANET@example.com", "custom_fields": {"shoe_size": "43"}},
    )
    db.session.commit()

    expected = {
        "first_name": FieldChange("Jane", "Janet"),
        "email": FieldChange("jane.doe@example.com", "janet@example.com"),
        "custom_fields.shoe_size": FieldChange("42", "43"),
    }
    assert dict(changes) == expected
    [event] = recorder.of("user_updated")
    assert event["changes"] == expected
    assert event["user"].email == "janet@example.com"
    assert event["user"].custom_fields["shoe_size"] == "43"


def test_an_update_that_changes_nothing_fires_nothing(recording_site, recorder):
    user = register()
    db.session.commit()
    assert update_user(user, {"first_name": "Jane", "marketing_sms_consent": False}) == {}
    assert recorder.of("user_updated") == []


def test_an_update_to_a_taken_email_is_refused_and_changes_nothing(recording_site, recorder):
    register(email="taken@example.com")
    user = register()
    db.session.commit()
    with pytest.raises(DuplicateEmail):
        update_user(user, {"email": "Taken@example.com", "first_name": "Changed"})
    db.session.commit()
    db.session.expire_all()
    assert (user.email, user.first_name) == ("jane.doe@example.com", "Jane")
    assert recorder.of("user_updated") == []


def test_hook_user_deleted(recording_site, recorder):
    create_tag("vip", apply_on_registration=True)
    user = register()
    db.session.commit()
    user_id = user.id

    delete_user(user)
    db.session.commit()

    [event] = recorder.of("user_deleted")
    assert event["user"].id == user_id
    assert event["user"].email == "jane.doe@example.com"
    assert event["user"].tags == frozenset({"vip"})
    assert db.session.get(User, user_id) is None


def test_the_last_admin_can_be_neither_deleted_nor_demoted(recording_site, recorder):
    owner = register(role=Role.ADMIN)
    db.session.commit()
    with pytest.raises(InvalidValue):
        delete_user(owner)
    with pytest.raises(InvalidValue):
        update_user(owner, {"role": Role.SUBSCRIBER})
    assert recorder.of("user_deleted") == []


def test_hook_user_tags_changed(recording_site, recorder):
    vip, newsletter = create_tag("vip"), create_tag("newsletter")
    jane = register()
    john = register(email="john@example.com", first_name="John")
    change_tags([john], add=[vip])
    db.session.commit()
    recorder.events.clear()

    changed = change_tags([jane, john], add=[vip, newsletter])
    db.session.commit()

    assert changed == 2
    events = {event["user"].email: event for event in recorder.of("user_tags_changed")}
    assert events["jane.doe@example.com"]["added"] == frozenset({"vip", "newsletter"})
    assert events["john@example.com"]["added"] == frozenset({"newsletter"})
    assert events["john@example.com"]["user"].tags == frozenset({"vip", "newsletter"})
    assert all(event["removed"] == frozenset() for event in events.values())

    recorder.events.clear()
    assert change_tags([jane, john], remove=[vip]) == 2
    assert change_tags([jane, john], remove=[vip]) == 0
    db.session.commit()
    assert [event["removed"] for event in recorder.of("user_tags_changed")] == [frozenset({"vip"})] * 2
    assert {tag.name for tag in jane.tags} == {"newsletter"}


def test_deleting_a_tag_takes_it_off_its_users_with_the_hook(recording_site, recorder):
    vip = create_tag("vip")
    jane = register()
    change_tags([jane], add=[vip])
    db.session.commit()
    recorder.events.clear()

    delete_tag(vip)
    db.session.commit()

    [event] = recorder.of("user_tags_changed")
    assert event["removed"] == frozenset({"vip"})
    assert event["user"].tags == frozenset()
