"""The tabs of a page split in parts, for the ``tab_bar`` macro of ``macros/tabs.html``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tab:
    """One tab: its label, its page, and why it needs attention, if it does."""

    label: str
    url: str
    #: A short sentence, shown on hover beside the tab's mark, e.g. "Not connected yet".
    attention: str | None = None
