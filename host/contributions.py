"""What plugins contribute to the host's pages, as plain data the host renders.

Plugins return these from their hooks instead of HTML, so the host keeps one look
and escapes everything a plugin says.
"""

import enum
from dataclasses import dataclass


class StatusKind(enum.StrEnum):
    """A plugin's state as its Marketplace card shows it."""

    DISABLED = "disabled"
    ENABLED = "enabled"
    NEEDS_SETUP = "needs_setup"
    CONNECTED = "connected"
    NEEDS_REAUTHORIZATION = "needs_reauthorization"
    ERROR = "error"


@dataclass(frozen=True)
class PluginStatus:
    """A plugin's own account of its state, with a one-line reason for people."""

    kind: StatusKind
    message: str = ""
    #: Where the admin should go to act on it (e.g. a Reauthorize link).
    action_url: str | None = None
    action_label: str | None = None
    #: Shown on hover over the message, and after it in ``plughost plugins list``: the
    #: detail a person rarely needs (an ID behind a name).
    title: str | None = None


@dataclass(frozen=True)
class MenuItem:
    """An entry in the admin menu."""

    label: str
    url: str


class BannerLevel(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Banner:
    """A notice shown at the top of every admin page until its cause is fixed."""

    message: str
    level: BannerLevel = BannerLevel.WARNING
    action_url: str | None = None
    action_label: str | None = None
    #: Shown on hover over the message, like :attr:`PluginStatus.title`.
    title: str | None = None


@dataclass(frozen=True)
class SyncWarning:
    """Something the plugin's sync leaves out or cannot send, shown in the dashboard's sync health.

    For what still goes out, only not whole: a value the other side refuses, a field it
    no longer takes. ``action_url`` is where the admin fixes it.
    """

    message: str
    action_url: str | None = None
    action_label: str | None = None


@dataclass(frozen=True)
class AdminPanel:
    """A box a plugin adds to an admin record page (a user's or an affiliate's).

    ``template`` is rendered with ``context`` inside the host's page; it lives in the
    plugin's own template folder, so it is namespaced by the plugin's name.
    """

    title: str
    template: str
    context: dict[str, object]


@dataclass(frozen=True)
class ListCell:
    """One user's cell in a plugin's column of the Users list: a short text, a link, a colour."""

    text: str
    url: str | None = None
    #: ``ok``, ``warning`` or ``error`` shows the text as a coloured badge; None as plain text.
    level: str | None = None
    #: Shown on hover: the detail the cell has no room for (a full error, an external id).
    title: str | None = None


@dataclass(frozen=True)
class ListColumn:
    """A column a plugin adds to the admin's Users list, its cells by user id.

    A user the plugin has nothing to say about has no cell, and the list shows a dash.
    """

    title: str
    cells: dict[int, ListCell]
