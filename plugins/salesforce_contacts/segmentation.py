"""A user's tags as Salesforce sees them: topics, or picklist values.

The site is where tags are managed, so the user's current tags are the truth: a
picklist field is written whole with the record (no read-modify-write call), and
topics are changed by the difference from what the site assigned before.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from plugins.salesforce_common import FieldInfo
from plugins.salesforce_contacts.settings import Segmentation


def _folded(names: Iterable[str]) -> dict[str, str]:
    return {name.casefold(): name for name in names}


@dataclass(frozen=True)
class PicklistChoice:
    """The field value for a user's tags, and the tags a restricted picklist has no value for."""

    value: str | None
    left_out: tuple[str, ...] = ()


def missing_values(tags: Iterable[str], field: FieldInfo | None) -> list[str]:
    """The tags ``field`` refuses: those a restricted picklist has no value for, in name order."""
    if field is None or not field.restricted_picklist:
        return []
    allowed = _folded(field.picklist_values)
    return sorted((name for name in tags if name.casefold() not in allowed), key=str.casefold)


def picklist_value(tags: Iterable[str], field: FieldInfo | None, mode: Segmentation) -> PicklistChoice:
    """The field value for ``tags``: every tag (multi-select) or one (single picklist).

    Tags that are not values of a restricted picklist are left out rather than
    failing the whole record, and named so the record's result can say so; a single
    picklist takes the first of the user's tags in the picklist's own order.
    """
    names = sorted(tags, key=str.casefold)
    if field is not None and field.picklist_values:
        allowed = _folded(field.picklist_values)
        chosen = [allowed[name.casefold()] for name in names if name.casefold() in allowed]
        if not field.restricted_picklist:
            chosen += [name for name in names if name.casefold() not in allowed]
        if mode is Segmentation.PICKLIST:
            order = {value.casefold(): index for index, value in enumerate(field.picklist_values)}
            chosen.sort(key=lambda value: order.get(value.casefold(), len(order)))
    else:
        chosen = names
    left_out = tuple(missing_values(names, field))
    if not chosen:
        return PicklistChoice(None, left_out)
    return PicklistChoice(chosen[0] if mode is Segmentation.PICKLIST else ";".join(chosen), left_out)


def left_out_sentence(left_out: Sequence[str], field_name: str) -> str:
    """What a record's result says of the tags its picklist refused, with the fix."""
    if len(left_out) == 1:
        return (
            f"left out the tag {left_out[0]}: {field_name} has no such value. Add it to the picklist in "
            "Salesforce Setup, then Refresh on the plugin's Tags page."
        )
    return (
        f"left out the tags {', '.join(left_out)}: {field_name} has no such values. Add them to the picklist in "
        "Salesforce Setup, then Refresh on the plugin's Tags page."
    )


@dataclass(frozen=True)
class TopicChanges:
    """Topics to assign, and assignments to remove (name to id, None if unknown)."""

    add: tuple[str, ...]
    remove: Mapping[str, str | None]

    def __bool__(self) -> bool:
        return bool(self.add or self.remove)


def topic_changes(tags: Iterable[str], assigned: Mapping[str, str | None]) -> TopicChanges:
    """What turns the topics the site assigned into the user's current tags."""
    wanted = _folded(tags)
    have = {name.casefold(): name for name in assigned}
    add = tuple(sorted((wanted[folded] for folded in wanted.keys() - have.keys()), key=str.casefold))
    remove = {have[folded]: assigned[have[folded]] for folded in have.keys() - wanted.keys()}
    return TopicChanges(add, remove)
