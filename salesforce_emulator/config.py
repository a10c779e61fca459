"""Emulator configuration: the seeded org, its Connected App, lifetimes and limits.

Everything here can come from a JSON file (keys named as the fields below) and be
overridden by command-line flags or by keyword arguments in tests.
"""

import json
import secrets
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

REFRESH_POLICIES = ("until_revoked", "expire_after", "expire_if_unused", "immediately")


@dataclass
class UserConfig:
    username: str = "admin@emulator.example.com"
    password: str = "emulator-password-1"
    first_name: str = "Ada"
    last_name: str = "Admin"
    email: str = "admin@emulator.example.com"


@dataclass
class ConnectedAppConfig:
    """A Connected App; the refresh-token policy mirrors Setup's options per app."""

    name: str = "Plughost"
    consumer_key: str = "3MVG9EmulatorConsumerKey0000000000000000000000000000000000000000000000000"
    consumer_secret: str = "E0000000000000000000000000000000000000000000000000000000000000001"
    callback_urls: list[str] = field(default_factory=lambda: ["http://localhost:5000/oauth/callback"])
    scopes: list[str] = field(default_factory=lambda: ["api", "refresh_token", "offline_access", "id", "openid"])
    refresh_token_policy: str = "until_revoked"
    refresh_token_seconds: int = 0
    rotate_refresh_tokens: bool = False
    require_secret: bool = True

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.refresh_token_policy not in REFRESH_POLICIES:
            raise ValueError(f"refresh_token_policy must be one of {REFRESH_POLICIES}")


def default_custom_fields() -> dict[str, list[dict[str, Any]]]:
    """Custom fields present in a fresh emulator org, so plugin tests have a multi-select picklist
    and the External IDs a shop matches its products (SKU) and orders (the site's order id) by."""
    interests = {
        "name": "Interests__c",
        "label": "Interests",
        "type": "multipicklist",
        "picklistValues": ["Newsletter", "Webinar", "Events", "Products"],
        "restrictedPicklist": True,
    }
    sku = {"name": "Sku__c", "label": "SKU", "type": "string", "length": 64, "externalId": True, "unique": True}
    site_order = {
        "name": "Site_Order_Id__c",
        "label": "Site Order ID",
        "type": "string",
        "length": 64,
        "externalId": True,
        "unique": True,
    }
    return {"Contact": [interests], "Lead": [dict(interests)], "Product2": [sku], "Order": [site_order]}


def default_custom_objects() -> list[dict[str, Any]]:
    return [
        {
            "name": "Partner__c",
            "label": "Partner",
            "fields": [
                {"name": "External_Id__c", "type": "string", "length": 64, "externalId": True, "unique": True},
                {"name": "Email__c", "type": "email"},
                {"name": "Commission_Rate__c", "type": "double"},
                {
                    "name": "Status__c",
                    "type": "picklist",
                    "picklistValues": ["Active", "Inactive"],
                    "restrictedPicklist": True,
                },
            ],
        }
    ]


@dataclass
class EmulatorConfig:
    host: str = "127.0.0.1"
    port: int = 8443
    https: bool = False
    cert_dir: str | None = None
    database: str | None = None
    org_id: str = "00DKX00000000012AA"
    org_name: str = "Emulated Org"
    admin_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    users: list[UserConfig] = field(default_factory=lambda: [UserConfig()])
    connected_apps: list[ConnectedAppConfig] = field(default_factory=lambda: [ConnectedAppConfig()])
    access_token_seconds: int = 7200
    code_seconds: int = 900
    max_approvals_per_user: int = 5
    api_limit: int = 15000
    api_enabled: bool = True
    min_version: int = 31
    max_version: int = 62
    query_batch_size: int = 2000
    topics_enabled: list[str] = field(default_factory=lambda: ["Account", "Contact", "Lead", "Order"])
    max_topics_per_record: int = 100
    custom_objects: list[dict[str, Any]] = field(default_factory=default_custom_objects)
    custom_fields: dict[str, list[dict[str, Any]]] = field(default_factory=default_custom_fields)
    duplicate_rules: list[dict[str, Any]] = field(default_factory=list)
    outbound_messages: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: int = 0
    error_rate: float = 0.0

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "EmulatorConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
        values = dict(values)
        if "users" in values:
            values["users"] = [u if isinstance(u, UserConfig) else UserConfig(**u) for u in values["users"]]
        if "connected_apps" in values:
            values["connected_apps"] = [
                a if isinstance(a, ConnectedAppConfig) else ConnectedAppConfig(**a) for a in values["connected_apps"]
            ]
        return cls(**values)

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> "EmulatorConfig":
        values = json.loads(Path(path).read_text())
        values.update(overrides)
        return cls.from_dict(values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def versions(self) -> list[str]:
        return [f"{v}.0" for v in range(self.min_version, self.max_version + 1)]


def release_label(version: int) -> str:
    """Salesforce's release name for an API version: v48.0 is Spring '20, three releases a year."""
    step = version - 48
    season = ("Spring", "Summer", "Winter")[step % 3]
    year = 20 + step // 3 + (1 if season == "Winter" else 0)
    return f"{season} '{year:02d}"
