"""The affiliate services: what they store, and the hooks they fire."""

import pytest

from host.extensions import db
from host.models import Affiliate, AffiliateStatus, CustomFieldOwner, Role
from host.services.affiliates import affiliates_matching, create_affiliate, delete_affiliate, update_affiliate
from host.services.custom_fields import add_custom_field
from host.services.errors import InvalidValue
from host.services.users import register_user
from host.snapshots import FieldChange


def new_affiliate(**fields) -> Affiliate:
    values = {"first_name": "Grace", "last_name": "Hopper", "email": "Grace@Navy.example", "company": "Navy"}
    return create_affiliate(**{**values, **fields})


def test_hook_affiliate_created(recording_site, recorder):
    add_custom_field(CustomFieldOwner.AFFILIATE, "tier", "Tier")
    manager = register_user(
        email="m@example.com", password="long enough", first_name="M", last_name="N", role=Role.ADMIN
    )
    affiliate = new_affiliate(manager_id=manager.id, country="US", custom_fields={"tier": "gold"})
    db.session.commit()

    [event] = recorder.of("affiliate_created")
    snapshot = event["affiliate"]
    assert snapshot.id == affiliate.id
    assert snapshot.email == "grace@navy.example"
    assert (snapshot.company, snapshot.country, snapshot.manager_id) == ("Navy", "US", manager.id)
    assert snapshot.status == "on_moderation"
    assert dict(snapshot.custom_fields) == {"tier": "gold"}


def test_an_affiliate_manager_must_be_an_admin(recording_site, recorder):
    subscriber = register_user(email="s@example.com", password="long enough", first_name="S", last_name="T")
    with pytest.raises(InvalidValue) as refused:
        new_affiliate(manager_id=subscriber.id)
    assert refused.value.field == "manager_id"
    assert recorder.of("affiliate_created") == []


def test_hook_affiliate_updated(recording_site, recorder):
    affiliate = new_affiliate()
    db.session.commit()

    changes = update_affiliate(affiliate, {"status": AffiliateStatus.ACTIVE, "company": "US Navy", "country": ""})
    db.session.commit()

    expected = {"status": FieldChange("on_moderation", "active"), "company": FieldChange("Navy", "US Navy")}
    assert dict(changes) == expected
    [event] = recorder.of("affiliate_updated")
    assert event["changes"] == expected
    assert event["affiliate"].status == "active"
    assert update_affiliate(affiliate, {"company": "US Navy"}) == {}
    assert len(recorder.of("affiliate_updated")) == 1


def test_hook_affiliate_deleted(recording_site, recorder):
    affiliate = new_affiliate()
    db.session.commit()
    affiliate_id = affiliate.id

    delete_affiliate(affiliate)
    db.session.commit()

    [event] = recorder.of("affiliate_deleted")
    assert (event["affiliate"].id, event["affiliate"].email) == (affiliate_id, "grace@navy.example")
    assert db.session.get(Affiliate, affiliate_id) is None


def test_search_matches_every_word_in_any_column_and_escapes_wildcards(recording_site):
    new_affiliate()
    new_affiliate(first_name="Alan", last_name="Turing", email="alan@bletchley.example", company="100%_Codes")
    db.session.commit()

    def found(query: str) -> set[str]:
        return {affiliate.last_name for affiliate in db.session.scalars(affiliates_matching(query))}

    assert found("") == {"Hopper", "Turing"}
    assert found("grace navy") == {"Hopper"}
    assert found("TURING bletchley") == {"Turing"}
    assert found("grace turing") == set()
    assert found("100%_") == {"Turing"}
    assert found("%") == {"Turing"}
