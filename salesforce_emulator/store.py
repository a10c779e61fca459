"""In-memory records with savepoints, so allOrNone requests can roll back what they did.

Every mutation is journalled with the record's previous state; rolling back to a
savepoint restores those states in reverse. Change events are held until the
outermost transaction commits, so rolled-back work never fires an outbound message.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]


@dataclass
class Change:
    object_name: str
    record_id: str
    kind: str  # "created", "updated", "deleted", or "topics" (a record touched because its topics changed)


class Store:
    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Record]] = {}
        self.lock = threading.RLock()
        self.listeners: list[Callable[[list[Change]], None]] = []
        self._journal: list[tuple[str, str, Record | None]] = []
        self._events: list[Change] = []
        self._depth = 0

    def table(self, object_name: str) -> dict[str, Record]:
        return self.tables.setdefault(object_name, {})

    def get(self, object_name: str, record_id: str, include_deleted: bool = False) -> Record | None:
        record = self.tables.get(object_name, {}).get(record_id)
        if record is None or (record.get("IsDeleted") and not include_deleted):
            return None
        return record

    def records(self, object_name: str, include_deleted: bool = False) -> list[Record]:
        table = self.tables.get(object_name, {})
        if include_deleted:
            return list(table.values())
        return [r for r in table.values() if not r.get("IsDeleted")]

    def put(self, object_name: str, record: Record, kind: str) -> None:
        """Store a whole record, journalling what it replaced."""
        table = self.table(object_name)
        previous = table.get(record["Id"])
        if self._depth:
            self._journal.append((object_name, record["Id"], dict(previous) if previous is not None else None))
        table[record["Id"]] = record
        self._events.append(Change(object_name, record["Id"], kind))
        if not self._depth:
            self._flush()

    @contextmanager
    def transaction(self) -> Iterator["Savepoint"]:
        """A savepoint; raise out of the block, or call ``rollback()``, to undo its changes."""
        with self.lock:
            savepoint = Savepoint(self, len(self._journal), len(self._events))
            self._depth += 1
            try:
                yield savepoint
            except BaseException:
                savepoint.rollback()
                raise
            finally:
                self._depth -= 1
                if not self._depth:
                    self._journal.clear()
                    self._flush()

    def _restore(self, journal_at: int, events_at: int) -> None:
        while len(self._journal) > journal_at:
            object_name, record_id, previous = self._journal.pop()
            table = self.table(object_name)
            if previous is None:
                table.pop(record_id, None)
            else:
                table[record_id] = previous
        del self._events[events_at:]

    def _flush(self) -> None:
        events, self._events = self._events, []
        if events:
            for listener in self.listeners:
                listener(events)

    def clear(self) -> None:
        with self.lock:
            self.tables.clear()
            self._journal.clear()
            self._events.clear()

    def counts(self) -> dict[str, int]:
        return {name: sum(1 for r in table.values() if not r.get("IsDeleted")) for name, table in self.tables.items()}


@dataclass
class Savepoint:
    store: Store
    journal_at: int
    events_at: int

    def rollback(self) -> None:
        self.store._restore(self.journal_at, self.events_at)
