"""Registrations and tag edits at once, on the same users, never fail, and Salesforce ends
holding what the site holds."""

import random
import threading
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from host.extensions import db
from host.models import User
from host.services.tags import create_tag

TAGS = ("Alpha", "Beta", "Gamma")
EDITED_USERS = 3
REGISTRATIONS_PER_THREAD = 6
EDITS_PER_THREAD = 25


def run_at_once(tasks: list[Callable[[], list[int]]]) -> list[int]:
    """Start every task together; every status code they saw."""
    start = threading.Barrier(len(tasks))
    codes: list[int] = []
    failures: list[BaseException] = []

    def run(task: Callable[[], list[int]]) -> None:
        start.wait()
        try:
            codes.extend(task())
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return codes


def test_concurrent_registrations_and_tag_edits_all_succeed_and_salesforce_matches(site) -> None:
    with site.writing():
        tag_ids = [create_tag(name, apply_on_registration=name == TAGS[0]).id for name in TAGS]
        db.session.commit()
    edited = [site.register(f"edited{number}@example.com") for number in range(EDITED_USERS)]
    site.drain()

    def admin_client() -> FlaskClient:
        client = site.app.test_client()
        with site.admin.session_transaction() as theirs, client.session_transaction() as ours:
            ours.update(theirs)
        return client

    def registrations(thread: int) -> Callable[[], list[int]]:
        def register() -> list[int]:
            visitor_codes = []
            for number in range(REGISTRATIONS_PER_THREAD):
                form = {
                    "first_name": "New",
                    "last_name": f"Member {thread}-{number}",
                    "email": f"new{thread}-{number}@example.com",
                    "password": "correct horse battery",
                    "password_confirm": "correct horse battery",
                }
                visitor_codes.append(site.app.test_client().post("/register", data=form).status_code)
            return visitor_codes

        return register

    def tag_edits(seed: int) -> Callable[[], list[int]]:
        client = admin_client()

        def edit() -> list[int]:
            chooser, answers = random.Random(seed), []
            for _ in range(EDITS_PER_THREAD):
                form = {
                    "user_ids": [str(user_id) for user_id in edited],
                    "tag_id": str(chooser.choice(tag_ids)),
                    "action": chooser.choice(["add", "remove"]),
                    "confirmed": "yes",  # a removal's question, answered
                }
                answers.append(client.post("/admin/users/tags", data=form).status_code)
            return answers

        return edit

    codes = run_at_once([registrations(0), registrations(1), tag_edits(1), tag_edits(2), tag_edits(3)])

    assert codes == [302] * len(codes), f"answers other than a redirect: {sorted(set(codes) - {302})}"
    site.drain(60)
    with site.app.app_context():
        users = list(db.session.scalars(select(User).where(User.email != "owner@example.com")))
        site_tags = {user.email: {tag.name for tag in user.tags} for user in users}
    assert len(site_tags) == EDITED_USERS + 2 * REGISTRATIONS_PER_THREAD
    assert all(tags == {TAGS[0]} for email, tags in site_tags.items() if email.startswith("new"))
    salesforce_tags = {email: site.topics_of(site.record(email)["Id"]) for email in site_tags}
    assert salesforce_tags == site_tags
