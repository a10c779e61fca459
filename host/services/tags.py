"""Tags: creating and deleting them, and choosing those given at registration."""

from collections.abc import Iterable

from sqlalchemy import select

from host.extensions import db
from host.models import Tag
from host.services.errors import InvalidValue
from host.services.users import change_tags

MAX_TAG_NAME = 80


def create_tag(name: str, *, apply_on_registration: bool = False) -> Tag:
    """Create a tag; names are unique, ignoring case.

    :raises InvalidValue: the name is blank, too long or taken.
    """
    name = " ".join(name.split())
    if not name or len(name) > MAX_TAG_NAME:
        raise InvalidValue("name", f"Give the tag a name of at most {MAX_TAG_NAME} characters.")
    if find_tag(name) is not None:
        raise InvalidValue("name", f"There is already a tag named {name!r}.")
    tag = Tag(name=name, apply_on_registration=apply_on_registration)
    db.session.add(tag)
    db.session.flush()
    return tag


def find_tag(name: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(db.func.lower(Tag.name) == name.strip().lower()))


def all_tags() -> list[Tag]:
    return list(db.session.scalars(select(Tag).order_by(Tag.name)))


def delete_tag(tag: Tag) -> None:
    """Take the tag off its users (each fires ``user_tags_changed``), then delete it."""
    change_tags(list(tag.users), remove=[tag])
    db.session.delete(tag)
    db.session.flush()


def set_registration_tags(tags: Iterable[Tag]) -> None:
    """Make ``tags``, and only them, the tags every new user receives."""
    chosen = set(tags)
    for tag in all_tags():
        tag.apply_on_registration = tag in chosen
