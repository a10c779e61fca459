"""The emulated org: everything one emulator instance knows, rebuilt from config on reset."""

import copy
import threading
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .commerce import Commerce
from .config import ConnectedAppConfig, EmulatorConfig
from .dml import Dml
from .duplicates import DuplicateRules
from .ids import IdGenerator, id18
from .outbound import OutboundMessenger
from .persistence import SqlitePersistence
from .schema import Field, Schema, SObjectType
from .store import Change, Store
from .tokens import TokenService

#: The instance the org lives on, as Salesforce names its pods (NA1, EU12, ...).
INSTANCE_NAME = "KX1"

DAY = 86400


@dataclass
class ApiUsage:
    """The daily API counter: a 24-hour window that restarts when it has elapsed."""

    limit: int
    used: int = 0
    window_start: float = 0.0

    def roll(self, now: float) -> None:
        if now - self.window_start >= DAY:
            self.window_start = now
            self.used = 0

    def header(self) -> str:
        return f"api-usage={self.used}/{self.limit}"


@dataclass
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    outage_until: float = 0.0
    api_enabled: bool = True


@dataclass
class CallLog:
    entries: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=10000))
    counts: Counter[str] = field(default_factory=Counter)
    oauth_counts: Counter[str] = field(default_factory=Counter)

    def add(self, entry: dict[str, Any]) -> None:
        """Log a call; only REST calls (API calls, in Salesforce's sense) go into ``counts``."""
        self.entries.append(entry)
        key = f"{entry['method']} {entry['endpoint']}"
        if entry["kind"] == "rest":
            self.counts[key] += 1
        else:
            self.oauth_counts[key] += 1

    def clear(self) -> None:
        self.entries.clear()
        self.counts.clear()
        self.oauth_counts.clear()


class Org:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self._seed = copy.deepcopy(config)
        self.clock = Clock()
        self.lock = threading.RLock()
        self.base_url = f"{'https' if config.https else 'http'}://{config.host}:{config.port}"
        self.outbound = OutboundMessenger(self)
        self.persistence = SqlitePersistence(config.database) if config.database else None
        self.reset(restore=self.persistence is not None and not self.persistence.is_empty())

    def reset(self, restore: bool = False) -> None:
        """Back to the seeded org: records, grants, usage, clock, faults and schema from config.

        The config object is updated in place, so changes made through the admin API are undone
        while holders of the object (test handles) keep seeing the live values. With a database,
        ``restore`` reloads the saved org instead, and a plain reset empties the database too.
        """
        self.config.__dict__.update(copy.deepcopy(self._seed).__dict__)
        config = self.config
        self.clock.offset = 0.0
        self.ids = IdGenerator()
        self.schema = Schema()
        for definition in config.custom_objects:
            self.schema.define_object(definition)
        for object_name, definitions in config.custom_fields.items():
            for definition in definitions:
                self.schema.define_field(object_name, definition)
        self.added_schema: list[dict[str, Any]] = []
        if restore and self.persistence:
            for item in self.persistence.load("schema", []):
                self._apply_schema(item)
        self.store = Store()
        self.duplicates = DuplicateRules(self.store, config.duplicate_rules)
        self.dml = Dml(self)
        self.commerce = Commerce(self)
        self.tokens = TokenService(
            self.clock, config.org_id, config.access_token_seconds, config.code_seconds, config.max_approvals_per_user
        )
        self.usage = ApiUsage(config.api_limit, 0, self.clock.now())
        self.faults = Faults(config.latency_ms, config.error_rate, 0.0, config.api_enabled)
        self.calls = CallLog()
        self.query_batch_size = config.query_batch_size
        self.locators: dict[str, tuple[list[dict[str, Any]], int, int]] = {}
        self.users: dict[str, str] = {}
        self.consents: set[tuple[str, str]] = set()
        self._seed_users()
        self._seed_organization()
        self.store.put(
            "Pricebook2",
            self.commerce.standard_price_book(self.clock.timestamp(), next(iter(self.users.values()), None)),
            "created",
        )
        if self.persistence:
            self._attach_persistence(self.persistence, restore)
        self.outbound.reset()

    def _attach_persistence(self, persistence: SqlitePersistence, restore: bool) -> None:
        if restore:
            for name, table in persistence.load_records().items():
                self.store.load(name, table)
            self.ids.next_number = persistence.load("ids", 1)
            self.tokens.restore(persistence.load("grants", {}), {a.consumer_key: a for a in self.config.connected_apps})
            self.consents = {(user, app) for user, app in persistence.load("consents", [])}
        else:
            persistence.clear()
            persistence.save_records([(name, r) for name, table in self.store.tables.items() for r in table.values()])
        self.store.listeners.append(self._save_changes)
        self.tokens.on_change = lambda: persistence.save("grants", self.tokens.export())

    def _save_changes(self, changes: list[Change]) -> None:
        if self.persistence:
            rows = [
                (c.object_name, r)
                for c in changes
                if (r := self.store.get(c.object_name, c.record_id, include_deleted=True)) is not None
            ]
            self.persistence.save_records(rows)
            self.persistence.save("ids", self.ids.next_number)

    def _apply_schema(self, item: dict[str, Any]) -> None:
        if "field" in item:
            self.schema.define_field(item["object"], item["field"])
        else:
            self.schema.define_object(item["definition"])
        self.added_schema.append(item)
        if self.persistence:
            self.persistence.save("schema", self.added_schema)

    def define_object(self, definition: dict[str, Any]) -> SObjectType:
        """A custom object added at run time (kept across restarts with a database)."""
        self._apply_schema({"definition": definition})
        return self.schema.objects[definition["name"].lower()]

    def define_field(self, object_name: str, definition: dict[str, Any]) -> Field:
        self._apply_schema({"object": object_name, "field": definition})
        return self.schema.objects[object_name.lower()].fields[definition["name"].lower()]

    def approve(self, user_id: str, consumer_key: str) -> None:
        """Remember that the user allowed the app, so later authorizations skip the Allow page."""
        self.consents.add((user_id, consumer_key))
        if self.persistence:
            self.persistence.save("consents", sorted(self.consents))

    def _seed_users(self) -> None:
        now = self.clock.timestamp()
        for index, user in enumerate(self.config.users):
            user_id = id18(f"005KX{index + 1:010d}")
            self.users[user.username.lower()] = user_id
            self.store.put(
                "User",
                {
                    "Id": user_id,
                    "Username": user.username,
                    "LastName": user.last_name,
                    "FirstName": user.first_name,
                    "Name": f"{user.first_name} {user.last_name}".strip(),
                    "Email": user.email,
                    "Alias": (user.first_name[:1] + user.last_name[:4]).lower(),
                    "IsActive": True,
                    "TimeZoneSidKey": "GMT",
                    "IsDeleted": False,
                    "CreatedDate": now,
                    "CreatedById": user_id,
                    "LastModifiedDate": now,
                    "LastModifiedById": user_id,
                    "SystemModstamp": now,
                },
                "created",
            )

    def _seed_organization(self) -> None:
        """The Organization record: read-only through the API, as in Salesforce."""
        now = self.clock.timestamp()
        creator = next(iter(self.users.values()), None)
        self.store.put(
            "Organization",
            {
                "Id": self.config.org_id,
                "Name": self.config.org_name,
                "Division": None,
                "City": None,
                "Country": None,
                "PrimaryContact": self._primary_contact(),
                "OrganizationType": "Developer Edition",
                "IsSandbox": False,
                "InstanceName": INSTANCE_NAME,
                "NamespacePrefix": None,
                "TrialExpirationDate": None,
                "LanguageLocaleKey": "en_US",
                "TimeZoneSidKey": "GMT",
                "CreatedDate": now,
                "CreatedById": creator,
                "LastModifiedDate": now,
                "LastModifiedById": creator,
                "SystemModstamp": now,
            },
            "created",
        )

    def _primary_contact(self) -> str | None:
        first = self.config.users[0] if self.config.users else None
        return f"{first.first_name} {first.last_name}".strip() if first else None

    def close(self) -> None:
        if self.persistence:
            self.persistence.close()

    def check_password(self, username: str, password: str) -> str | None:
        for user in self.config.users:
            if user.username.lower() == username.strip().lower() and user.password == password:
                return self.users[user.username.lower()]
        return None

    def user_id(self, username: str) -> str | None:
        return self.users.get(username.lower())

    def user(self, user_id: str) -> dict[str, Any]:
        return self.store.get("User", user_id) or {}

    def app(self, consumer_key: str) -> ConnectedAppConfig | None:
        return next((a for a in self.config.connected_apps if a.consumer_key == consumer_key), None)

    @property
    def org_id15(self) -> str:
        return self.config.org_id[:15]
