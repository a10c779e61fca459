"""A plugin for the sync queue's tests, steered by the test through files.

Files, rather than Python objects, carry the test's commands and the plugin's record
of what it delivered, so the plugin behaves the same in the test process and in
worker subprocesses (which load ``queue_test_plugin:plugin`` and find the folder in
``PLUGHOST_QUEUE_TEST_BOARD``).

Every handler call is logged in ``calls.jsonl`` (the batch's record ids, pid, time);
every record it delivers in ``deliveries.jsonl``. A *hold* makes the handler stop in
the middle of a batch until the test releases it (or kills the process).
"""

import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from polling import wait_for

from host.models import User
from host.plugins import Plugin, hookimpl
from host.snapshots import UserSnapshot
from host.sync import enqueue
from host.sync.backfill import RecordsOfTable
from host.sync.handlers import SETTLE_NOW, ClaimedEntries, Done, Entry, Failed, Outcome, Pause, RetryLater, SettleNow
from host.timestamps import utcnow

BOARD_ENV = "PLUGHOST_QUEUE_TEST_BOARD"
#: How long a held handler waits for its release before giving up.
HOLD_LIMIT_SECONDS = 60.0


class Board:
    """The folder through which a test steers the plugin and reads what it did."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    # -- commands -----------------------------------------------------------------

    def behave(self, mode: str = "deliver", reason: str = "", pause_seconds: float | None = None) -> None:
        """How the handler answers from now on: ``deliver``, ``retry``, ``fail``, ``pause``, ``raise``."""
        self._write("behaviour.json", {"mode": mode, "reason": reason, "pause_seconds": pause_seconds})

    def behaviour(self) -> dict[str, Any]:
        return self._read("behaviour.json", {"mode": "deliver", "reason": "", "pause_seconds": None})

    def set_batch_size(self, size: int) -> None:
        self._write("batch_size.json", size)

    def batch_size(self) -> int:
        return self._read("batch_size.json", 200)

    def hold(self, after: int = 0) -> None:
        """Make the next handler call stop after delivering ``after`` records of its batch."""
        self._write("hold.json", after)

    def hold_after(self) -> int | None:
        return self._read("hold.json", None)

    def set_chunk_size(self, size: int) -> None:
        self._write("chunk_size.json", size)

    def chunk_size(self) -> int:
        return self._read("chunk_size.json", 2)

    def release(self) -> None:
        (self.folder / "hold.json").unlink(missing_ok=True)

    def held_pids(self) -> list[int]:
        return [int(path.name.split("-")[1]) for path in self.folder.glob("held-*")]

    def wait_until_held(self, timeout: float = 30.0) -> int:
        """The pid of the process whose handler is held, once one is."""
        return wait_for(self.held_pids, "a handler to reach the hold", timeout)[0]

    # -- what the handler did ----------------------------------------------------

    def calls(self) -> list[dict[str, Any]]:
        return self._lines("calls.jsonl")

    def deliveries(self) -> list[dict[str, Any]]:
        return self._lines("deliveries.jsonl")

    def passes(self) -> list[list[str]]:
        """The records a two-pass stream found still held on its second pass, a list per stream."""
        return [line["record_ids"] for line in self._lines("passes.jsonl")]

    def batch_sizes(self) -> list[int]:
        return [len(call["record_ids"]) for call in self.calls()]

    def delivered_payloads(self, record_id: str) -> list[Any]:
        return [line["payload"] for line in self.deliveries() if line["record_id"] == record_id]

    # -- plumbing --------------------------------------------------------------------

    def _write(self, name: str, value: Any) -> None:
        staging = self.folder / f".{name}.{os.getpid()}"
        staging.write_text(json.dumps(value))
        staging.replace(self.folder / name)

    def _read(self, name: str, default: Any) -> Any:
        path = self.folder / name
        return json.loads(path.read_text()) if path.exists() else default

    def append(self, name: str, line: Mapping[str, Any]) -> None:
        """Add a line to a log; appends this small are atomic, even across processes."""
        with open(self.folder / name, "a") as log:
            log.write(json.dumps(line) + "\n")

    def _lines(self, name: str) -> list[dict[str, Any]]:
        path = self.folder / name
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@dataclass
class RecordingHandler:
    """Answers as the board says, and logs what it was asked and what it delivered."""

    board: Board
    kind: str

    @property
    def batch_size(self) -> int:
        return self.board.batch_size()

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        behaviour = self.board.behaviour()
        mode, reason = behaviour["mode"], behaviour["reason"]
        self.board.append(
            "calls.jsonl",
            {"pid": os.getpid(), "mode": mode, "at": time.time(), "record_ids": [entry.record_id for entry in entries]},
        )
        if mode == "raise":
            raise RuntimeError(reason)
        if mode == "retry":
            return {entry.id: RetryLater(reason) for entry in entries}
        if mode == "fail":
            return {entry.id: Failed(reason) for entry in entries}
        if mode == "pause":
            seconds = behaviour["pause_seconds"]
            until = utcnow() + timedelta(seconds=seconds) if seconds is not None else None
            return {entries[0].id: Pause(reason, until)}
        return self._deliver(entries)

    def _deliver(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        hold_after = self.board.hold_after()
        for index, entry in enumerate(entries):
            if index == hold_after:
                self._wait_for_release()
            self.board.append(
                "deliveries.jsonl",
                {"pid": os.getpid(), "kind": self.kind, "record_id": entry.record_id, "payload": entry.payload},
            )
        return {entry.id: Done("Stored", external_id=f"EXT-{entry.record_id}") for entry in entries}

    def _wait_for_release(self) -> None:
        marker = self.board.folder / f"held-{os.getpid()}"
        marker.touch()
        try:
            wait_for(lambda: self.board.hold_after() is None, "the test to release the hold", HOLD_LIMIT_SECONDS)
        finally:
            marker.unlink(missing_ok=True)


class StreamingHandler(RecordingHandler):
    """Streams its batches: reads the entries as the queue yields them, answers each at once."""

    @property
    def chunk_size(self) -> int:
        return self.board.chunk_size()

    def stream(self, entries: ClaimedEntries) -> Iterator[tuple[int, Outcome] | SettleNow]:
        behaviour = self.board.behaviour()
        if behaviour["mode"] == "two_passes":
            yield from self._two_passes(entries)
            return
        self.board.append(
            "calls.jsonl",
            {
                "pid": os.getpid(),
                "mode": behaviour["mode"],
                "at": time.time(),
                "count": entries.count,
                "record_ids": [],
            },
        )
        hold_after = self.board.hold_after()
        for index, entry in enumerate(entries):
            if index == hold_after:
                self._wait_for_release()
            if behaviour["mode"] == "raise" and index == 3:
                raise RuntimeError(behaviour["reason"])
            self.board.append(
                "deliveries.jsonl",
                {"pid": os.getpid(), "kind": self.kind, "record_id": entry.record_id, "payload": entry.payload},
            )
            if behaviour["mode"] == "pause" and index == 1:
                yield entry.id, Pause(behaviour["reason"])
                return
            yield entry.id, Done("Streamed", external_id=f"EXT-{entry.record_id}")

    def _two_passes(self, entries: ClaimedEntries) -> Iterator[tuple[int, Outcome] | SettleNow]:
        """Answer every other entry, have those answers settled, then answer the entries still held."""
        for entry in list(entries)[::2]:
            yield entry.id, Done("First pass")
        yield SETTLE_NOW
        held = list(entries)
        self.board.append("passes.jsonl", {"record_ids": [entry.record_id for entry in held]})
        for entry in held:
            yield entry.id, Done("Second pass")


class UserHandler(RecordsOfTable, RecordingHandler):
    """Handles users, and lists them all for backfills."""

    table = User


class QueueTestPlugin(Plugin):
    """Queues every registered user and syncs ``thing`` and ``user`` records to the board."""

    name = "queue_test"
    title = "Queue test"

    def __init__(self, board_folder: Path | None = None) -> None:
        self._board_folder = board_folder

    @property
    def board(self) -> Board:
        return Board(self._board_folder or Path(os.environ[BOARD_ENV]))

    @hookimpl
    def sync_handlers(self) -> Mapping[str, RecordingHandler]:
        return {
            "thing": RecordingHandler(self.board, "thing"),
            "user": UserHandler(self.board, "user"),
            "streamed": StreamingHandler(self.board, "streamed"),
        }

    @hookimpl
    def user_registered(self, user: UserSnapshot) -> None:
        enqueue(self, "user", str(user.id), {"email": user.email})


plugin = QueueTestPlugin()
