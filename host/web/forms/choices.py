"""Select options in the shape the installed WTForms expects.

WTForms 3.3 deprecates ``(value, label)`` tuples in favour of ``SelectChoice``, which
the older versions the site supports (3.1 and up) do not have.
"""

from collections.abc import Iterable
from typing import Any

try:
    # types-WTForms describes 3.2, which lacks it.
    from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined, unused-ignore]
except ImportError:  # WTForms before 3.3 takes the tuples as they are
    SelectChoice = None


def options(pairs: Iterable[tuple[Any, str]]) -> list[Any]:
    """Options for a select field's ``choices``, from ``(value, label)`` pairs."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]
