"""Backfilling queues every existing record in committed chunks.

Its memory on 100,000 users is measured by bench/backfill_memory.py.
"""

import pytest
from sqlalchemy import func, insert, select

from host.cli import main
from host.extensions import db
from host.models import User
from host.sync.cli import sync_cli
from host.sync.models import SyncEntry

pytestmark = pytest.mark.parametrize("engine", ["embedded"])


def add_users(app, count: int) -> None:
    """Insert users directly: the backfill is about existing rows, not registrations."""
    with app.app_context():
        start = db.session.scalar(select(func.count()).select_from(User)) or 0
        rows = [
            {
                "email": f"user{start + number}@example.com",
                "password_hash": "-",
                "first_name": "U",
                "last_name": str(number),
            }
            for number in range(count)
        ]
        db.session.execute(insert(User), rows)
        db.session.commit()


def queued_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SyncEntry))


def test_backfill_command_queues_every_record_and_they_are_delivered(queue):
    add_users(queue.app, 1200)
    queue.set_enabled(False)

    result = queue.app.test_cli_runner().invoke(sync_cli, ["backfill", "queue_test", "user", "--chunk-size", "500"])
    assert result.exit_code == 0, result.output
    assert "Queued 1200 user records for queue_test" in result.output
    assert queued_count(queue.app) == 1200

    queue.set_enabled(True)
    # The site's worker, started by the first request it serves, finds them on its own.
    queue.app.test_client().get("/")
    queue.wait_until_drained()
    assert len({line["record_id"] for line in queue.board.deliveries()}) == 1200
    assert max(queue.board.batch_sizes()) <= 200


def test_backfill_refuses_kinds_it_cannot_list(queue):
    runner = queue.app.test_cli_runner()
    unknown = runner.invoke(sync_cli, ["backfill", "queue_test", "invoice"])
    assert unknown.exit_code == 1
    assert "has no sync handler for 'invoice' records" in unknown.output
    unlisted = runner.invoke(sync_cli, ["backfill", "queue_test", "thing"])
    assert unlisted.exit_code == 1
    assert "cannot list its 'thing' records" in unlisted.output


def test_plughost_command_line_offers_the_backfill(queue):
    add_users(queue.app, 3)
    result = queue.app.test_cli_runner().invoke(main, ["sync", "backfill", "queue_test", "user"])
    assert result.exit_code == 0, result.output
    assert "Queued 3 user records for queue_test" in result.output
