"""Waiting out the org's daily API limit, and keeping within a plugin's share of it.

Salesforce counts API requests over a rolling 24 hours and does not say when room
frees up. So after ``REQUEST_LIMIT_EXCEEDED``, or once the org has used the share of
its limit a plugin may use (other integrations use the same org), the plugin's queue
pauses for a short time that grows with each look: 5, 10, 20, 40, then 60 minutes.
When the pause ends, the client's first call is a look at ``limits`` (one call); it
goes on only if there is room, so the queue resumes as soon as the limit frees
instead of after a fixed hour.
"""

from datetime import datetime, timedelta

from host.api import FieldKind, PluginStore, SettingField
from plugins.salesforce_common.limits import ApiUsage

#: The store key of a plugin waiting for API requests: how many looks found none.
WAITING_KEY = "api_limit_wait"
#: The pause after each look that found no room, in order; the last one repeats.
LOOK_AGAIN_AFTER = tuple(timedelta(minutes=minutes) for minutes in (5, 10, 20, 40, 60))

BUDGET_FIELD = SettingField(
    "api_budget_percent",
    "Share of the org's daily API requests (%)",
    FieldKind.INTEGER,
    default=100,
    help="Syncing pauses once the org has used this share of its daily API requests, leaving the rest to "
    "other integrations, and resumes as soon as there is room again. 100 uses the whole limit.",
)


def budget_share(value: object) -> float:
    """The share of the daily limit a setting allows, between 1% and 100%."""
    try:
        percent = int(str(value))
    except ValueError:
        percent = 100
    return min(max(percent, 1), 100) / 100


def is_over_budget(usage: ApiUsage | None, share: float) -> bool:
    """Whether ``usage`` leaves no room under ``share`` of the daily limit."""
    if usage is None or usage.allowed <= 0:
        return False
    return usage.used >= usage.allowed or usage.used / usage.allowed >= share


def is_waiting(store: PluginStore) -> bool:
    """Whether the plugin's last look found no room, so the next client looks first."""
    return store.get(WAITING_KEY) is not None


def wait_again(store: PluginStore, now: datetime) -> datetime:
    """Note one more look without room; when to look next."""
    looks = int((store.get(WAITING_KEY) or {}).get("looks", 0))
    store.set(WAITING_KEY, {"looks": looks + 1, "since": now.isoformat()})
    return now + LOOK_AGAIN_AFTER[min(looks, len(LOOK_AGAIN_AFTER) - 1)]


def stop_waiting(store: PluginStore) -> None:
    store.delete(WAITING_KEY)
