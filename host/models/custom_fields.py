"""Owner-defined fields on user profiles and affiliates."""

import enum

from sqlalchemy import Enum, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from host.extensions import Model


class CustomFieldOwner(enum.StrEnum):
    """Which kind of record a custom field belongs to."""

    USER = "user"
    AFFILIATE = "affiliate"


class CustomField(Model):
    """A field the site owner adds to user profiles or affiliates.

    Values live in the owner record's ``custom_fields`` JSON under ``key``; plugins
    see them as ``custom.<key>`` when mapping fields.
    """

    __tablename__ = "custom_fields"
    __table_args__ = (UniqueConstraint("owner", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[CustomFieldOwner] = mapped_column(Enum(CustomFieldOwner, native_enum=False, length=20))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(120))
    required: Mapped[bool] = mapped_column(default=False)
