"""The webhook endpoints an admin pastes into Salesforce: an action and a secret key each.

The key is the endpoint's only credential Salesforce can present, so it is long
(256 bits), kept encrypted at rest (the admin must be able to read it again to paste
it), compared in constant time, and replaced by Regenerate when it may have leaked.
"""

import enum
import hmac
import secrets
from dataclasses import dataclass

from host.api import PluginStore, crypto

ENDPOINTS_KEY = "inbound.endpoints"


class Action(enum.StrEnum):
    """What a notification does to the site."""

    UPDATE = "update"
    UPDATE_TAGS = "update_tags"
    ADD = "add"

    @property
    def label(self) -> str:
        return {
            Action.UPDATE: "Update: mapped fields and tags come back to the user",
            Action.UPDATE_TAGS: "Update tags only",
            Action.ADD: "Add: create the user if none matches, then update",
        }[self]


@dataclass(frozen=True)
class Endpoint:
    id: str
    action: Action
    key: str

    def accepts(self, given: str) -> bool:
        return hmac.compare_digest(self.key.encode(), given.encode())


def _new_key() -> str:
    return secrets.token_urlsafe(32)


def list_endpoints(store: PluginStore) -> list[Endpoint]:
    stored = store.get(ENDPOINTS_KEY) or {}
    return [
        Endpoint(endpoint_id, Action(entry["action"]), crypto.decrypt(entry["key"]))
        for endpoint_id, entry in sorted(stored.items(), key=lambda item: item[1]["position"])
    ]


def find_endpoint(store: PluginStore, endpoint_id: str) -> Endpoint | None:
    entry = (store.get(ENDPOINTS_KEY) or {}).get(endpoint_id)
    return Endpoint(endpoint_id, Action(entry["action"]), crypto.decrypt(entry["key"])) if entry else None


def _save(store: PluginStore, endpoint_id: str, action: Action, key: str, position: int) -> Endpoint:
    stored = dict(store.get(ENDPOINTS_KEY) or {})
    stored[endpoint_id] = {"action": action.value, "key": crypto.encrypt(key), "position": position}
    store.set(ENDPOINTS_KEY, stored)
    return Endpoint(endpoint_id, action, key)


def add_endpoint(store: PluginStore, action: Action) -> Endpoint:
    stored = store.get(ENDPOINTS_KEY) or {}
    position = max((entry["position"] for entry in stored.values()), default=0) + 1
    return _save(store, secrets.token_hex(6), action, _new_key(), position)


def regenerate_key(store: PluginStore, endpoint_id: str) -> Endpoint | None:
    """Give the endpoint a new key; the old URL stops working at once."""
    entry = (store.get(ENDPOINTS_KEY) or {}).get(endpoint_id)
    if entry is None:
        return None
    return _save(store, endpoint_id, Action(entry["action"]), _new_key(), entry["position"])


def remove_endpoint(store: PluginStore, endpoint_id: str) -> None:
    stored = dict(store.get(ENDPOINTS_KEY) or {})
    stored.pop(endpoint_id, None)
    store.set(ENDPOINTS_KEY, stored)
