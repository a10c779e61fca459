"""Tags: the labels site owners segment users with, and plugins sync."""

from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from host.extensions import Model, db

if TYPE_CHECKING:
    from host.models.users import User

user_tags = Table(
    "user_tags",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(Model):
    """A label on users; ``apply_on_registration`` tags go on every new user."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    apply_on_registration: Mapped[bool] = mapped_column(default=False)

    users: Mapped[set["User"]] = relationship(secondary=user_tags, back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag {self.name}>"
