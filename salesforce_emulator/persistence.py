"""Optional SQLite persistence, so an emulated org survives restarts (the demo, manual testing).

Records are written after each committed change; grants, the ID counter, consents and
schema added through the admin API are kept as JSON documents. Tests use memory only.
"""

import json
import sqlite3
import threading
from typing import Any

from .store import Record


class SqlitePersistence:
    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.lock = threading.Lock()
        with self.lock:
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS records (object TEXT NOT NULL, id TEXT PRIMARY KEY, data TEXT NOT NULL)"
            )
            self.connection.execute("CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data TEXT NOT NULL)")

    def is_empty(self) -> bool:
        with self.lock:
            return self.connection.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 0

    def load_records(self) -> dict[str, dict[str, Record]]:
        tables: dict[str, dict[str, Record]] = {}
        with self.lock:
            for object_name, record_id, data in self.connection.execute("SELECT object, id, data FROM records"):
                tables.setdefault(object_name, {})[record_id] = json.loads(data)
        return tables

    def save_records(self, rows: list[tuple[str, Record]]) -> None:
        with self.lock:
            self.connection.execute("BEGIN")
            self.connection.executemany(
                "INSERT OR REPLACE INTO records (object, id, data) VALUES (?, ?, ?)",
                [(name, record["Id"], json.dumps(record)) for name, record in rows],
            )
            self.connection.execute("COMMIT")

    def load(self, name: str, default: Any) -> Any:
        with self.lock:
            row = self.connection.execute("SELECT data FROM documents WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else default

    def save(self, name: str, value: Any) -> None:
        with self.lock:
            self.connection.execute(
                "INSERT OR REPLACE INTO documents (name, data) VALUES (?, ?)", (name, json.dumps(value))
            )

    def close(self) -> None:
        with self.lock:
            self.connection.close()

    def clear(self) -> None:
        with self.lock:
            self.connection.execute("DELETE FROM records")
            self.connection.execute("DELETE FROM documents")
