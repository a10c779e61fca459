"""What the plugin adds to the admin: a Webhook column in the Users list, and its Marketplace status."""

from collections.abc import Sequence
from urllib.parse import urlsplit

from host.api import ListCell, ListColumn, Plugin, PluginStatus, RecordStatus, StatusKind, UserSnapshot, record_statuses
from signup_webhook.handler import KIND

#: How each sync state reads in the column, and its badge colour.
CELLS = {
    "pending": ("Waiting", None),
    "in_flight": ("Sending", None),
    "retrying": ("Retrying", "warning"),
    "done": ("Sent", "ok"),
    "dead": ("Failed", "error"),
    "discarded": ("Discarded", None),
}


def _cell(status: RecordStatus) -> ListCell:
    text, level = CELLS.get(status.state, (status.state, None))
    return ListCell(text, level=level, title=status.message or None)


def delivery_column(plugin: Plugin, users: Sequence[UserSnapshot]) -> ListColumn:
    """Whether each listed user's webhook went out, read for the whole page in one go."""
    statuses = record_statuses(plugin, KIND, [str(user.id) for user in users])
    return ListColumn("Webhook", {int(user_id): _cell(status) for user_id, status in statuses.items()})


def webhook_status(plugin: Plugin) -> PluginStatus | None:
    """Where new users go, for the Marketplace card; None until the URL is set (the host says it needs setup)."""
    url = plugin.settings.get("url")
    if not url:
        return None
    return PluginStatus(StatusKind.ENABLED, f"Posting new users to {urlsplit(url).hostname}.", title=url)
