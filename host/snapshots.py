"""Immutable views of records, passed to plugins by the lifecycle hooks.

Hooks receive snapshots rather than ORM objects so a plugin cannot change a record
behind the host's back, and so a deleted record can still be described after its row
is gone.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from host.models import Affiliate, User
from host.timestamps import as_utc


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


#: Shared by every snapshot with nothing in it: a batch of many thousand users holds
#: one empty mapping and one empty set, not one each.
_NOTHING: Mapping[str, Any] = MappingProxyType({})
_NO_TAGS: frozenset[str] = frozenset()


def _frozen(values: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values)) if values else _NOTHING


@dataclass(frozen=True)
class UserSnapshot:
    """A registered user as it stood when the hook fired."""

    id: int
    email: str
    first_name: str
    last_name: str
    phone: str
    role: str
    marketing_email_consent: bool
    marketing_sms_consent: bool
    created_at: datetime
    tags: frozenset[str] = frozenset()
    custom_fields: Mapping[str, Any] = field(default_factory=dict)
    #: When and through what (``user``, ``admin``, ``import``, a system's name) each
    #: consent was last chosen; None when no choice was recorded.
    email_consent_at: datetime | None = None
    email_consent_source: str | None = None
    sms_consent_at: datetime | None = None
    sms_consent_source: str | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def of(cls, user: User) -> "UserSnapshot":
        return cls(
            id=user.id,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            phone=user.phone,
            role=str(user.role),
            marketing_email_consent=user.marketing_email_consent,
            marketing_sms_consent=user.marketing_sms_consent,
            created_at=user.created_at,
            tags=frozenset(tag.name for tag in user.tags) if user.tags else _NO_TAGS,
            custom_fields=_frozen(user.custom_fields),
            email_consent_at=_utc(user.email_consent_at),
            email_consent_source=user.email_consent_source,
            sms_consent_at=_utc(user.sms_consent_at),
            sms_consent_source=user.sms_consent_source,
        )


@dataclass(frozen=True)
class AffiliateSnapshot:
    """An affiliate as it stood when the hook fired."""

    id: int
    first_name: str
    last_name: str
    email: str
    company: str
    phone: str
    country: str
    website: str
    status: str
    manager_id: int | None
    notes: str
    created_at: datetime
    custom_fields: Mapping[str, Any] = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def of(cls, affiliate: Affiliate) -> "AffiliateSnapshot":
        return cls(
            id=affiliate.id,
            first_name=affiliate.first_name,
            last_name=affiliate.last_name,
            email=affiliate.email,
            company=affiliate.company,
            phone=affiliate.phone,
            country=affiliate.country,
            website=affiliate.website,
            status=str(affiliate.status),
            manager_id=affiliate.manager_id,
            notes=affiliate.notes,
            created_at=affiliate.created_at,
            custom_fields=_frozen(affiliate.custom_fields),
        )


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after an update."""

    old: Any
    new: Any
