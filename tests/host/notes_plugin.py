"""A plugin with a table of its own, migrated by its own Alembic history, and one whose revision fails."""

from pathlib import Path

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from host.api import Model, Plugin

MIGRATIONS = Path(__file__).parent / "notes_migrations"
BROKEN_MIGRATIONS = Path(__file__).parent / "broken_migrations"


class Note(Model):
    """A note an admin keeps about a user; goes with the user."""

    __tablename__ = "notes_entries"
    __table_args__ = {"info": {"plugin": "notes"}}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))


class Notes(Plugin):
    name = "notes"
    title = "Notes"
    migrations = MIGRATIONS


class BrokenTables(Plugin):
    name = "broken_tables"
    title = "Broken tables"
    migrations = BROKEN_MIGRATIONS
