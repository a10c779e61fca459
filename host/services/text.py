"""What text the site stores: no control characters.

NUL cannot be stored in PostgreSQL's text at all, and the other control characters
(escape sequences, backspaces) are never typed into a form on purpose: they come from
broken clients or from someone probing. Tab and line breaks are text only where the
input has lines, a text area.
"""

import re

#: C0 and C1 control characters and DEL, NUL among them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same without tab, line feed and carriage return.
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROL_CHARACTER_SENTENCE = "Remove the control characters (such as NUL) from this text; they cannot be stored."
LINE_BREAK_SENTENCE = "Keep this to one line, without tabs or line breaks."


def control_character_problem(text: str, *, multiline: bool = False) -> str | None:
    """The sentence refusing ``text``, or None when it may be stored.

    :param multiline: whether tab and line breaks belong (a text area's value).
    """
    if _CONTROL_IN_LINES.search(text):
        return CONTROL_CHARACTER_SENTENCE
    if not multiline and _CONTROL.search(text):
        return LINE_BREAK_SENTENCE
    return None
