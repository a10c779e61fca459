"""Affiliates: creating, editing and deleting them, each firing its hook."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import Select, select

from host.extensions import db
from host.models import Affiliate, AffiliateStatus, CustomFieldOwner, User
from host.plugins.dispatch import notify
from host.services.changes import CUSTOM_FIELDS, apply_changes
from host.services.custom_fields import check_custom_values
from host.services.emails import normalize_email
from host.services.errors import InvalidValue
from host.services.search import matches_words
from host.snapshots import AffiliateSnapshot, FieldChange

#: The fields an affiliate has (besides ``custom_fields``).
AFFILIATE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "company",
    "phone",
    "country",
    "website",
    "status",
    "manager_id",
    "notes",
)
REQUIRED_FIELDS = ("first_name", "last_name")
TEXT_FIELDS = ("first_name", "last_name", "company", "phone", "country", "website", "notes")


def _check_email_free(email: str, affiliate: Affiliate | None) -> None:
    """Refuse an address another affiliate has: plugins match affiliates to other systems by email."""
    taken = select(Affiliate.id).where(Affiliate.email == email)
    if affiliate is not None:
        taken = taken.where(Affiliate.id != affiliate.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise InvalidValue("email", "Another affiliate already has this email address.")


def _checked(values: Mapping[str, Any], affiliate: Affiliate | None = None) -> dict[str, Any]:
    """``values`` made canonical, or InvalidValue for the first one that breaks a rule.

    :param affiliate: the affiliate being changed; None for a new one.
    """
    checked = dict(values)
    for field in TEXT_FIELDS:
        if field in checked:
            checked[field] = (checked[field] or "").strip()
    for field in REQUIRED_FIELDS:
        if field in checked and not checked[field]:
            raise InvalidValue(field, "This field is required.")
    if "email" in checked:
        checked["email"] = normalize_email(checked["email"])
        _check_email_free(checked["email"], affiliate)
    if "status" in checked:
        checked["status"] = AffiliateStatus(checked["status"])
    if checked.get("manager_id") is not None:
        manager = db.session.get(User, checked["manager_id"])
        if manager is None or not manager.is_admin:
            raise InvalidValue("manager_id", "The manager must be an admin.")
    if CUSTOM_FIELDS in checked:
        checked[CUSTOM_FIELDS] = check_custom_values(CustomFieldOwner.AFFILIATE, checked[CUSTOM_FIELDS])
    return checked


def create_affiliate(
    *,
    first_name: str,
    last_name: str,
    email: str,
    company: str = "",
    phone: str = "",
    country: str = "",
    website: str = "",
    status: AffiliateStatus = AffiliateStatus.ON_MODERATION,
    manager_id: int | None = None,
    notes: str = "",
    custom_fields: Mapping[str, Any] | None = None,
) -> Affiliate:
    """Create an affiliate and fire ``affiliate_created``.

    :raises InvalidValue: a value breaks a rule.
    """
    values = _checked(
        {
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "company": company,
            "phone": phone,
            "country": country,
            "website": website,
            "status": status,
            "manager_id": manager_id,
            "notes": notes,
            CUSTOM_FIELDS: custom_fields or {},
        }
    )
    affiliate = Affiliate(**values)
    db.session.add(affiliate)
    db.session.flush()
    notify("affiliate_created", affiliate=AffiliateSnapshot.of(affiliate))
    return affiliate


def update_affiliate(affiliate: Affiliate, values: Mapping[str, Any]) -> Mapping[str, FieldChange]:
    """Change an affiliate's fields and fire ``affiliate_updated`` when anything changed.

    :param values: new values by field name (see :data:`AFFILIATE_FIELDS`), and
        optionally ``custom_fields``, merged into the stored ones key by key.
    :return: what changed; empty when the values were already there.
    :raises InvalidValue: a value breaks a rule; nothing is changed.
    """
    changes = apply_changes(affiliate, _checked(values, affiliate), AFFILIATE_FIELDS)
    if changes:
        db.session.flush()
        notify("affiliate_updated", affiliate=AffiliateSnapshot.of(affiliate), changes=MappingProxyType(changes))
    return changes


def delete_affiliate(affiliate: Affiliate) -> None:
    """Fire ``affiliate_deleted`` with the affiliate as it is, then delete it."""
    notify("affiliate_deleted", affiliate=AffiliateSnapshot.of(affiliate))
    db.session.delete(affiliate)
    db.session.flush()


def affiliates_matching(query: str = "") -> Select[Affiliate]:
    """Affiliates whose name, email or company contain every word of ``query``, newest first."""
    columns = (Affiliate.first_name, Affiliate.last_name, Affiliate.email, Affiliate.company)
    return select(Affiliate).where(matches_words(columns, query)).order_by(Affiliate.id.desc())
