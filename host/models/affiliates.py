"""Affiliates: the partners an affiliate manager works with."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from host.extensions import Model
from host.timestamps import utcnow

if TYPE_CHECKING:
    from host.models.users import User


class AffiliateStatus(enum.StrEnum):
    """Where an affiliate stands with the site."""

    ACTIVE = "active"
    ON_MODERATION = "on_moderation"
    SUSPENDED = "suspended"


class Affiliate(Model):
    """A partner, managed by an admin; not an account on the site."""

    __tablename__ = "affiliates"
    #: Ids are never reused, even on SQLite: plugins key their links to other systems by id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), index=True)
    company: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(80), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[AffiliateStatus] = mapped_column(
        Enum(AffiliateStatus, native_enum=False, length=20), default=AffiliateStatus.ON_MODERATION
    )
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Values of the owner-defined affiliate fields, by field key.
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    manager: Mapped["User | None"] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<Affiliate {self.id} {self.email}>"
