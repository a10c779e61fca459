"""Password hashing cost: strong by default, cheap when a test suite asks, rehashed on log-in."""

import pytest

from host import create_app
from host.extensions import db
from host.models import User
from host.services.auth import authenticate
from host.services.passwords import hash_password, needs_rehash, verify_password

PASSWORD = "correct horse battery"
STRONG = "$argon2id$v=19$m=65536,t=3,p=4$"
FAST = "$argon2id$v=19$m=8,t=1,p=1$"


def test_the_site_hashes_strongly_unless_configured_otherwise(make_app):
    strong = make_app(PLUGHOST_PASSWORD_HASH_COST="default")
    fast = make_app()
    with strong.app_context():
        strong_hash = hash_password(PASSWORD)
    with fast.app_context():
        fast_hash = hash_password(PASSWORD)
        assert verify_password(strong_hash, PASSWORD), "hashes carry their parameters"
        assert needs_rehash(strong_hash) and not needs_rehash(fast_hash)
    assert strong_hash.startswith(STRONG) and fast_hash.startswith(FAST)
    with strong.app_context():
        assert verify_password(fast_hash, PASSWORD) and not verify_password(fast_hash, "wrong password")
        assert needs_rehash(fast_hash) and not needs_rehash(strong_hash)


def test_logging_in_under_the_default_cost_makes_a_cheap_hash_strong(make_app, make_user):
    user_id = make_user(make_app(), email="ada@example.com", password=PASSWORD)
    strong = make_app(PLUGHOST_PASSWORD_HASH_COST="default")
    with strong.app_context():
        authenticate("ada@example.com", PASSWORD, ip="127.0.0.1")
        db.session.commit()
        assert db.session.get(User, user_id).password_hash.startswith(STRONG)


def test_an_unknown_cost_stops_the_site_at_start(tmp_path):
    with pytest.raises(ValueError, match="PLUGHOST_PASSWORD_HASH_COST is 'cheap'"):
        create_app({"PLUGHOST_PASSWORD_HASH_COST": "cheap"}, instance_path=str(tmp_path))
