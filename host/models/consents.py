"""The record of every consent choice: who made it, when, and through what."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from host.extensions import Model
from host.timestamps import utcnow

if TYPE_CHECKING:
    from host.models.users import User


class Channel(enum.StrEnum):
    """A way the site may send marketing to a person."""

    EMAIL = "email"
    SMS = "sms"

    @property
    def label(self) -> str:
        return {Channel.EMAIL: "Email", Channel.SMS: "Text messages"}[self]


class ConsentChange(Model):
    """One change of a user's consent on one channel, kept for as long as the user.

    ``at`` is when the choice was made (for a change made in another system, the time
    that system gives); ``recorded_at`` is when the site learned of it.
    """

    __tablename__ = "consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[Channel] = mapped_column(Enum(Channel, native_enum=False, length=10))
    granted: Mapped[bool]
    #: ``user``, ``admin``, ``import`` or the name of the system it came from.
    source: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(String(255), default="")

    user: Mapped["User"] = relationship(back_populates="consent_changes")
