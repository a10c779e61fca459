"""One stored grant per org, connected app and user, shared by the plugins that use it.

Salesforce keeps at most five approvals per user and connected app and silently
revokes the oldest beyond that, so two plugins of one site holding two approvals of
the same user would use up that allowance twice as fast. A grant is stored once, in
the library's own namespace, keyed by org ID, user ID and consumer key: one refresh
token, which every plugin on it reads (a rotated token is seen by all), and one state
(a refused refresh pauses all of them). Each plugin's own store only names the grant
it uses. Every function here works in the caller's session and transaction.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from host.api import PluginStore

#: The namespace of the shared grants in the plugin data table; no plugin has this name.
GRANTS_NAMESPACE = "salesforce_common"
GRANTS = PluginStore(GRANTS_NAMESPACE)
#: The ids of every stored grant, so a plugin can offer to join one.
INDEX_KEY = "grants"


def grant_id(organization_id: str, user_id: str, consumer_key: str) -> str:
    """The grant's key: readable org and user, and the consumer key shortened to a digest."""
    digest = hashlib.sha256(consumer_key.strip().encode()).hexdigest()[:16]
    return f"{organization_id}.{user_id}.{digest}"


def record_key(grant: str) -> str:
    return f"grant.{grant}"


def tokens_key(grant: str) -> str:
    return f"grant.{grant}.tokens"


@dataclass(frozen=True)
class SharedGrant:
    """A stored grant as a connection panel offers it: who it acts as, and who uses it."""

    id: str
    consumer_key: str
    username: str
    organization_label: str
    #: The plugins using it, name to title.
    plugins: Mapping[str, str]

    @classmethod
    def of(cls, grant: str, record: Mapping[str, Any]) -> "SharedGrant":
        identity = record.get("identity") or {}
        return cls(
            id=grant,
            consumer_key=str(record.get("consumer_key") or ""),
            username=str(identity.get("username") or ""),
            organization_label=str(identity.get("organization_name") or identity.get("organization_id") or ""),
            plugins=dict(record.get("plugins") or {}),
        )

    @property
    def holders(self) -> str:
        """The plugins using it, by title: ``Salesforce Leads and Salesforce Contacts``."""
        return " and ".join(sorted(self.plugins.values()))


def grant_record(grant: str) -> dict[str, Any] | None:
    return GRANTS.get(record_key(grant))


def write_grant_record(grant: str, record: Mapping[str, Any]) -> None:
    """Store the grant's state, listing it in the index when it is new."""
    if GRANTS.get(record_key(grant)) is None:
        GRANTS.lock(INDEX_KEY)
        GRANTS.set(INDEX_KEY, sorted({*GRANTS.get(INDEX_KEY, []), grant}))
    GRANTS.set(record_key(grant), dict(record))


def add_holder(grant: str, plugin_name: str, plugin_title: str) -> None:
    # Locked: two plugins joining at once must both end up listed.
    record = GRANTS.get_locked(record_key(grant)) or {}
    GRANTS.set(record_key(grant), {**record, "plugins": {**record.get("plugins", {}), plugin_name: plugin_title}})


def remove_holder(grant: str, plugin_name: str) -> str | None:
    """Take a plugin off a grant; a grant nobody uses any more is deleted, and its
    encrypted tokens are returned so the caller can revoke them at Salesforce."""
    record = GRANTS.get_locked(record_key(grant))
    if record is None:
        return None
    holders = {name: title for name, title in record.get("plugins", {}).items() if name != plugin_name}
    if holders:
        GRANTS.set(record_key(grant), {**record, "plugins": holders})
        return None
    tokens = GRANTS.get(tokens_key(grant))
    GRANTS.delete(record_key(grant))
    GRANTS.delete(tokens_key(grant))
    GRANTS.lock(INDEX_KEY)
    GRANTS.set(INDEX_KEY, [other for other in GRANTS.get(INDEX_KEY, []) if other != grant])
    return tokens


def joinable_grants(plugin_name: str, consumer_key: str) -> list[SharedGrant]:
    """Working grants of other plugins with the same connected app, which this plugin may use too."""
    found = []
    for grant in GRANTS.get(INDEX_KEY, []):
        record = grant_record(grant)
        if record is None or record.get("state") != "connected":
            continue
        shared = SharedGrant.of(grant, record)
        if shared.consumer_key == consumer_key.strip() and plugin_name not in shared.plugins:
            found.append(shared)
    return found
