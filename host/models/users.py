"""Accounts: the site owner, other admins, and registered end users."""

import enum
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, Enum, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from host.extensions import Model
from host.models.consents import ConsentChange
from host.models.tags import Tag, user_tags
from host.timestamps import utcnow


class Role(enum.StrEnum):
    """What an account may do: admins run the site, subscribers are end users."""

    ADMIN = "admin"
    SUBSCRIBER = "subscriber"


class User(UserMixin, Model):
    """A person with an account on the site."""

    __tablename__ = "users"
    #: Ids are never reused, even on SQLite: plugins key their links to other systems by id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20), default=Role.SUBSCRIBER)
    marketing_email_consent: Mapped[bool] = mapped_column(default=False)
    marketing_sms_consent: Mapped[bool] = mapped_column(default=False)
    #: When and through what each consent was last chosen; None before consent was recorded.
    email_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_consent_source: Mapped[str | None] = mapped_column(String(40))
    sms_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sms_consent_source: Mapped[str | None] = mapped_column(String(40))
    #: Values of the owner-defined profile fields, by field key.
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    tags: Mapped[set[Tag]] = relationship(secondary=user_tags, back_populates="users")
    consent_changes: Mapped[list[ConsentChange]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: (ConsentChange.recorded_at.desc(), ConsentChange.id.desc()),
    )

    @property
    def display_name(self) -> str:
        """The name shown for the user across the site."""
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
