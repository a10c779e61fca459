"""Salesforce API calls per user and per affiliate, from the emulator's call log; asserts nothing.

    python bench/api_calls.py [--burst 1000]

Both Salesforce plugins run on a SQLite site against the emulator over real HTTP,
authorized through the emulator's login and Allow pages. Measured:

1. Salesforce Contacts: a new user registered alone with 0, 2 and 5 tags (topics the
   org does not have yet), and a burst of users with 2 tags each, queued while the
   plugin is held and then delivered by the sync queue in batches. Beside each figure,
   WP Fusion's pattern for the same work (from its source): a lookup query, a create,
   then one TopicAssignment POST per topic, so 2 + K calls per new user.
2. Salesforce Leads: an affiliate created alone, and a burst of affiliates.
"""

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

from connected_site import connected_site
from flask import Flask
from report import figure

import host.sync
from host.extensions import db
from host.models import Affiliate, Tag, User
from host.services.affiliates import create_affiliate
from host.services.tags import create_tag, set_registration_tags
from host.services.users import register_user
from salesforce_emulator.testing import EmulatorHandle, running_emulator

CONTACTS = "salesforce_contacts"
LEADS = "salesforce_leads"


def wp_fusion_calls(users: int, tags: int) -> int:
    """Lookup + create + one TopicAssignment per topic, per new user."""
    return users * (2 + tags)


def calls(sf: EmulatorHandle) -> int:
    return sum(sf.admin.call_counts().values())


def registration_tags(app: Flask, names: list[str]) -> None:
    with app.test_request_context():
        set_registration_tags([create_tag(name) for name in names])
        db.session.commit()


def drained_calls(app: Flask, sf: EmulatorHandle, timeout: float) -> int:
    """API calls made until the queue is empty."""
    with app.app_context():
        host.sync.wait_until_drained(timeout)
    return calls(sf)


def user_alone(app: Flask, sf: EmulatorHandle, tag_count: int) -> int:
    registration_tags(app, [f"Alone {tag_count} tag {n}" for n in range(tag_count)])
    sf.admin.clear_calls()
    with app.test_request_context(method="POST"):
        register_user(
            email=f"alone{tag_count}@example.com", password="correct horse battery", first_name="A", last_name="Lone"
        )
        db.session.commit()
    return drained_calls(app, sf, 30)


def affiliate_alone(app: Flask, sf: EmulatorHandle) -> int:
    sf.admin.clear_calls()
    with app.test_request_context(method="POST"):
        create_affiliate(first_name="A", last_name="Lone", email="alone@partner.example", company="Alone Ltd")
        db.session.commit()
    return drained_calls(app, sf, 30)


def held_burst(app: Flask, sf: EmulatorHandle, plugin: str, kind: str, make_records: Callable[[], list]) -> int:
    """Queue the records ``make_records`` builds as their creation would, while ``plugin``
    is held; then the calls the queue makes to deliver them together."""
    with app.test_request_context(method="POST"):
        host.sync.pause(plugin, "queueing the burst")
        records = make_records()
        db.session.add_all(records)
        db.session.flush()
        for record in records:
            host.sync.enqueue(plugin, kind, str(record.id))
        db.session.commit()
    sf.admin.clear_calls()
    with app.test_request_context(method="POST"):
        host.sync.resume(plugin)
        db.session.commit()
    return drained_calls(app, sf, 300)


def user_burst(app: Flask, sf: EmulatorHandle, size: int) -> int:
    """``size`` new users with 2 tags."""
    registration_tags(app, ["Burst A", "Burst B"])

    def users() -> list[User]:
        tags = set(db.session.scalars(db.select(Tag).where(Tag.apply_on_registration)))
        return [
            User(email=f"burst{n}@example.com", password_hash="-", first_name="B", last_name=str(n), tags=tags)
            for n in range(size)
        ]

    return held_burst(app, sf, CONTACTS, "user", users)


def affiliate_burst(app: Flask, sf: EmulatorHandle, size: int) -> int:
    def affiliates() -> list[Affiliate]:
        return [
            Affiliate(first_name="B", last_name=str(n), email=f"burst{n}@partner.example", company=f"Partner {n}")
            for n in range(size)
        ]

    return held_burst(app, sf, LEADS, "affiliate", affiliates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=1000, help="records in each burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_emulator() as sf:
        app = connected_site(Path(folder), sf, PLUGHOST_SYNC_POLL_SECONDS=0.2)
        print(f"1. Salesforce Contacts\n{'work':<44}{'Plughost':>10}{'WP Fusion':>11}")
        for tag_count in (0, 2, 5):
            used = user_alone(app, sf, tag_count)
            print(f"{f'new user alone, {tag_count} tags':<44}{used:>10}{wp_fusion_calls(1, tag_count):>11}")
            figure("API calls, Contacts", f"new user, {tag_count} tags", used, "calls")
        used = user_burst(app, sf, args.burst)
        theirs = wp_fusion_calls(args.burst, 2)
        print(f"{f'burst of {args.burst} new users, 2 tags each':<44}{used:>10}{theirs:>11}")
        print(f"{'  per user':<44}{used / args.burst:>10.3f}{theirs / args.burst:>11.3f}")
        figure("API calls, Contacts", f"burst of {args.burst} new users with 2 tags", used, "calls")
        figure("API calls, Contacts", "WP Fusion, same burst", theirs, "calls")

        print(f"\n2. Salesforce Leads\n{'work':<44}{'Plughost':>10}")
        used = affiliate_alone(app, sf)
        print(f"{'new affiliate alone':<44}{used:>10}")
        figure("API calls, Leads", "new affiliate", used, "calls")
        used = affiliate_burst(app, sf, args.burst)
        print(f"{f'burst of {args.burst} new affiliates':<44}{used:>10}")
        figure("API calls, Leads", f"burst of {args.burst} new affiliates", used, "calls")
        host.sync.stop(app)


if __name__ == "__main__":
    main()
