"""In-memory records with savepoints, so allOrNone requests can roll back what they did.

Every mutation is journalled with the record's previous state; rolling back to a
savepoint restores those states in reverse. Change events are held until the
outermost transaction commits, so rolled-back work never fires an outbound message.
Lookups by a field's value (upserts by External ID) go through an index per object
and field, built on first use and kept up to date by every write, as Salesforce
indexes External IDs: an upsert costs the same in a large org as in an empty one.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

Record = dict[str, Any]
#: Record ids by folded field value, for one object and field.
Index = dict[str, list[str]]


def _folded(value: Any) -> str | None:
    return None if value is None else str(value).lower()


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
        self._indexes: dict[tuple[str, str], Index] = {}

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

    def find(self, object_name: str, field_name: str, value: Any) -> list[Record]:
        """Live records whose ``field_name`` equals ``value`` case-insensitively, in table order."""
        wanted = _folded(value)
        index = self._index(object_name, field_name)
        table = self.table(object_name)
        candidates = index.get(wanted, []) if wanted is not None else []
        if len(candidates) > 1:
            chosen = set(candidates)
            candidates = [record_id for record_id in table if record_id in chosen]
        return [
            record
            for record_id in candidates
            if (record := table.get(record_id)) is not None
            and not record.get("IsDeleted")
            and _folded(record.get(field_name)) == wanted
        ]

    def load(self, object_name: str, records: dict[str, Record]) -> None:
        """Add stored records as they are (a restart's restore): no journal, no events."""
        self.table(object_name).update(records)
        for key in [key for key in self._indexes if key[0] == object_name]:
            del self._indexes[key]

    def _index(self, object_name: str, field_name: str) -> Index:
        index = self._indexes.get((object_name, field_name))
        if index is None:
            index = self._indexes[(object_name, field_name)] = {}
            for record in self.table(object_name).values():
                _index_add(index, field_name, record)
        return index

    def _reindex(self, object_name: str, previous: Record | None, current: Record | None) -> None:
        for (name, field_name), index in self._indexes.items():
            if name != object_name:
                continue
            if previous is not None:
                _index_remove(index, field_name, previous)
            if current is not None:
                _index_add(index, field_name, current)

    def put(self, object_name: str, record: Record, kind: str) -> None:
        """Store a whole record, journalling what it replaced."""
        table = self.table(object_name)
        previous = table.get(record["Id"])
        if self._depth:
            self._journal.append((object_name, record["Id"], dict(previous) if previous is not None else None))
        table[record["Id"]] = record
        self._reindex(object_name, previous, record)
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
            replaced = table.get(record_id)
            if previous is None:
                table.pop(record_id, None)
            else:
                table[record_id] = previous
            self._reindex(object_name, replaced, previous)
        del self._events[events_at:]

    def _flush(self) -> None:
        events, self._events = self._events, []
        if events:
            for listener in self.listeners:
                listener(events)

    def clear(self) -> None:
        with self.lock:
            self.tables.clear()
            self._indexes.clear()
            self._journal.clear()
            self._events.clear()

    def counts(self) -> dict[str, int]:
        return {name: sum(1 for r in table.values() if not r.get("IsDeleted")) for name, table in self.tables.items()}


def _index_add(index: Index, field_name: str, record: Record) -> None:
    value = _folded(record.get(field_name))
    if value is not None:
        index.setdefault(value, []).append(record["Id"])


def _index_remove(index: Index, field_name: str, record: Record) -> None:
    value = _folded(record.get(field_name))
    if value is None:
        return
    ids = index.get(value, [])
    if record["Id"] in ids:
        ids.remove(record["Id"])
    if not ids:
        index.pop(value, None)


@dataclass
class Savepoint:
    store: Store
    journal_at: int
    events_at: int

    def rollback(self) -> None:
        self.store._restore(self.journal_at, self.events_at)
