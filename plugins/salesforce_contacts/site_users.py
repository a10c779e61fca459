"""Site users for Salesforce records: finding the one a record stands for, creating one.

Shared by the webhook's "add" action and the import, so both match the same way:
the user already linked to the record, else the match key the sync uses (the
External ID field holding the user id, or Email), else Email.
"""

from collections.abc import Mapping
from typing import Any

from host.api import ConsentOrigin, PluginStore, User, db, find_user_by_email, register_user
from plugins.salesforce_common.status import read_connection_status
from plugins.salesforce_contacts.inbound.echo import from_salesforce
from plugins.salesforce_contacts.links import Link, linked_user_id, load_link, save_link
from plugins.salesforce_contacts.set_password import invite
from plugins.salesforce_contacts.settings import Options
from plugins.salesforce_contacts.user_fields import profile_values


def field_value(fields: Mapping[str, Any], name: str) -> Any:
    """A record's value for the field ``name``, whatever the case of the API name."""
    folded = name.casefold()
    return next((value for key, value in fields.items() if key.casefold() == folded), None)


def incoming_values(fields: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """``{user field key: value}`` for the mapped fields a record carries."""
    values = {}
    for salesforce_field, user_key in mapping.items():
        value = field_value(fields, salesforce_field)
        if value is not None:
            values[user_key] = value
    return values


def find_user(options: Options, record_id: str, fields: Mapping[str, Any]) -> User | None:
    user_id = linked_user_id(record_id)
    if user_id is None and options.matches_by_external_id:
        key_value = str(field_value(fields, options.match_field) or "")
        user_id = int(key_value) if key_value.isdigit() else None
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None and (email := field_value(fields, "Email")):
        user = find_user_by_email(str(email))
    return user


def create_user(
    store: PluginStore,
    fields: Mapping[str, Any],
    mapping: Mapping[str, str],
    consents: Mapping[str, bool] | None = None,
    consent_origin: ConsentOrigin | None = None,
) -> User:
    """A new user for a record, with no usable password and a set-password invitation.

    :param consents: ``marketing_email_consent`` and ``marketing_sms_consent`` as the
        record's opt-outs say, chosen by ``consent_origin``.
    :raises InvalidValue: the record's values break a site rule (no or a bad email).
    """
    values = profile_values(incoming_values(fields, mapping))
    email = str(values.get("email") or field_value(fields, "Email") or "")
    local_part = email.split("@")[0] or "Member"
    with from_salesforce():
        user = register_user(
            email=email,
            password=None,
            first_name=str(values.get("first_name") or field_value(fields, "FirstName") or local_part),
            last_name=str(values.get("last_name") or field_value(fields, "LastName") or local_part),
            phone=str(values.get("phone") or ""),
            custom_fields=values.get("custom_fields"),
            marketing_email_consent=(consents or {}).get("marketing_email_consent", False),
            marketing_sms_consent=(consents or {}).get("marketing_sms_consent", False),
            consent_origin=consent_origin,
        )
    db.session.flush()
    invite(store, user)
    return user


def link_user(
    store: PluginStore,
    user: User,
    record_id: str,
    object_type: str,
    topics: dict[str, str | None] | None = None,
    consent: Mapping[str, str] | None = None,
) -> Link:
    """Link ``user`` to the record, keeping the topics known unless new ones are given,
    and the consent marks, updated with ``consent``."""
    link = load_link(user.id)
    same = link is not None and link.salesforce_id == record_id
    known = link.topics if link is not None and same else {}
    marks = {**(link.consent if link is not None and same else {}), **(consent or {})}
    instance_url = read_connection_status(store).instance_url or ""
    link = Link(record_id, object_type, instance_url, known if topics is None else topics, marks)
    save_link(user.id, link)
    return link
