"""Salesforce API calls per user: prints figures from the emulator's call log, asserts nothing.

    python bench/api_calls_per_user.py [--burst 1000]

The Salesforce Contacts plugin runs on a SQLite site against the emulator over real
HTTP, authorized through the emulator's login and Allow pages. Measured:

1. A new user registered alone with 0, 2 and 5 tags (topics the org does not have yet).
2. A burst of registrations with 2 tags each, queued while the plugin is held and then
   delivered by the sync queue in batches.

Beside each figure, WP Fusion's pattern for the same work (from its source): a lookup
query, a create, then one TopicAssignment POST per topic, so 2 + K calls per new user.
"""

import argparse
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

import host.sync
from host import create_app
from host.extensions import db
from host.models import Role, Tag, User
from host.plugins import registry
from host.services.tags import create_tag, set_registration_tags
from host.services.users import register_user
from plugins.salesforce_contacts import SalesforceContactsPlugin
from report import figure
from salesforce_emulator.testing import EmulatorHandle, running_emulator

BENCHMARK = "salesforce contacts api calls"
CALLBACK = "http://localhost/salesforce_contacts/oauth2/callback"


def wp_fusion_calls(users: int, tags: int) -> int:
    """Lookup + create + one TopicAssignment per topic, per new user."""
    return users * (2 + tags)


def build_site(folder: Path, sf: EmulatorHandle) -> tuple[Flask, SalesforceContactsPlugin]:
    plugin = SalesforceContactsPlugin()
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key",
            "WTF_CSRF_ENABLED": False,
            "PLUGHOST_LOAD_ENTRYPOINTS": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "PLUGHOST_SYNC_POLL_SECONDS": 0.2,
        },
        plugins=[plugin],
        instance_path=str(folder / "instance"),
    )
    sf.admin.configure_app(sf.consumer_key, callback_urls=[CALLBACK])
    with app.test_request_context():
        db.create_all()
        owner = register_user(
            email="owner@example.com", password="correct horse battery", first_name="Site", last_name="Owner",
            role=Role.ADMIN,
        )
        registry.enable(plugin.name)
        plugin.settings.update(
            {
                "login_host": "custom",
                "custom_login_url": sf.base_url,
                "consumer_key": sf.consumer_key,
                "consumer_secret": sf.consumer_secret,
            }
        )
        db.session.commit()
        owner_id = owner.id
    admin = app.test_client()
    with admin.session_transaction() as session:
        session["_user_id"] = str(owner_id)
    response = admin.post("/admin/plugins/salesforce_contacts/authorize")
    callback = urlsplit(sf.authorize_with_requests(response.headers["Location"]))
    admin.get(f"{callback.path}?{callback.query}")
    return app, plugin


def calls(sf: EmulatorHandle) -> int:
    return sum(sf.admin.call_counts().values())


def registration_tags(app: Flask, names: list[str]) -> None:
    with app.test_request_context():
        set_registration_tags([create_tag(name) for name in names])
        db.session.commit()


def alone(app: Flask, sf: EmulatorHandle, tag_count: int) -> int:
    registration_tags(app, [f"Alone {tag_count} tag {n}" for n in range(tag_count)])
    sf.admin.clear_calls()
    with app.test_request_context():
        register_user(email=f"alone{tag_count}@example.com", password="correct horse battery", first_name="A",
                      last_name="Lone")
        db.session.commit()
    with app.app_context():
        host.sync.wait_until_drained(30)
    return calls(sf)


def burst(app: Flask, plugin: SalesforceContactsPlugin, sf: EmulatorHandle, size: int) -> int:
    """``size`` new users with 2 tags, queued as their registrations would be, delivered together."""
    registration_tags(app, ["Burst A", "Burst B"])
    with app.test_request_context():
        host.sync.pause(plugin, "queueing the burst")
        tags = set(db.session.scalars(db.select(Tag).where(Tag.apply_on_registration)))
        users = [User(email=f"burst{n}@example.com", password_hash="-", first_name="B", last_name=str(n), tags=tags)
                 for n in range(size)]
        db.session.add_all(users)
        db.session.flush()
        for user in users:
            host.sync.enqueue(plugin, "user", str(user.id))
        db.session.commit()
    sf.admin.clear_calls()
    with app.test_request_context():
        host.sync.resume(plugin)
        db.session.commit()
    with app.app_context():
        host.sync.wait_until_drained(300)
    return calls(sf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=1000, help="registrations in the burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_emulator() as sf:
        app, plugin = build_site(Path(folder), sf)
        print(f"{'work':<44}{'Plughost':>10}{'WP Fusion':>11}")
        for tag_count in (0, 2, 5):
            used = alone(app, sf, tag_count)
            theirs = wp_fusion_calls(1, tag_count)
            print(f"{f'new user alone, {tag_count} tags':<44}{used:>10}{theirs:>11}")
            figure(BENCHMARK, f"new user, {tag_count} tags", used, "calls")
        used = burst(app, plugin, sf, args.burst)
        theirs = wp_fusion_calls(args.burst, 2)
        print(f"{f'burst of {args.burst} new users, 2 tags each':<44}{used:>10}{theirs:>11}")
        print(f"{'  per user':<44}{used / args.burst:>10.3f}{theirs / args.burst:>11.3f}")
        figure(BENCHMARK, f"burst of {args.burst} new users with 2 tags", used, "calls")
        figure(BENCHMARK, "burst, per user", used / args.burst, "calls")
        host.sync.stop(app)


if __name__ == "__main__":
    main()
