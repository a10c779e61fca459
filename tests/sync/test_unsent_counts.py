"""Records never sent, counted two ways: by an anti-join for a handler whose ids are a query,
by reading the ids for one that only lists them; both must agree in every state a record can be in."""

from collections.abc import Iterator, Mapping, Sequence

from host.extensions import db
from host.models import User
from host.plugins import Plugin, hookimpl
from host.sync.backfill import RecordsOfTable
from host.sync.handlers import Done, Entry, Outcome
from host.sync.models import EntryState, ResultState, SyncEntry, SyncResult
from host.sync.unsent import send_unsent, unsent_records
from host.timestamps import utcnow


class Deliverer:
    batch_size = 100

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        return {entry.id: Done("ok") for entry in entries}


class QueriedUsers(RecordsOfTable, Deliverer):
    table = User


class ListedUsers(Deliverer):
    def record_count(self) -> int:
        return db.session.query(User).count()

    def record_ids(self) -> Iterator[str]:
        yield from (str(user.id) for user in db.session.query(User).order_by(User.id))


class Counting(Plugin):
    name = "counting"
    title = "Counting"

    @hookimpl
    def sync_handlers(self):
        return {"queried": QueriedUsers(), "listed": ListedUsers()}


def test_both_ways_count_only_records_with_neither_a_result_nor_a_waiting_entry(make_app, make_user):
    app = make_app(Counting())
    ids = [str(make_user(app, email=f"u{n}@example.com")) for n in range(6)]
    sent, waiting, dead, *never = ids
    with app.app_context():
        now = utcnow()
        for kind in ("queried", "listed"):
            db.session.add(SyncResult(plugin="counting", kind=kind, record_id=sent, state=ResultState.DONE, at=now))
            gone = "999999"  # a user deleted while its entry waits
            for record_id, state in (
                (waiting, EntryState.PENDING),
                (dead, EntryState.DEAD),
                (gone, EntryState.PENDING),
            ):
                db.session.add(
                    SyncEntry(plugin="counting", kind=kind, record_id=record_id, state=state, not_before=now)
                )
        db.session.commit()

        counts = {
            records.kind: (records.total, records.never_sent, records.waiting) for records in unsent_records("counting")
        }
        assert counts == {"queried": (6, 4, 1), "listed": (6, 4, 1)}, (
            "a dead entry's record is never sent; a gone one not waiting"
        )

        assert send_unsent("counting", "queried") == 4
        assert send_unsent("counting", "listed") == 4
        db.session.commit()
        queued = {
            kind: sorted(
                entry.record_id
                for entry in db.session.query(SyncEntry).filter_by(
                    plugin="counting", kind=kind, state=EntryState.PENDING
                )
            )
            for kind in ("queried", "listed")
        }
        assert queued["queried"] == queued["listed"] == sorted([waiting, dead, *never, gone]), (
            "the dead entry is queued again"
        )
