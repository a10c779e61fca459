"""Email and SMS opt-outs between the site and Salesforce: the latest explicit choice wins.

The site keeps each consent with the time and source of the choice it stands on
(:class:`host.api.ConsentOrigin`); each user's link keeps, per channel, the time of
the choice Salesforce is known to hold. So:

- an opt-out is always sent: sending it never subscribes anyone;
- a consent (opt-out false) is sent only for a choice made on the site after the
  one Salesforce holds, so a sync caused by an unrelated edit never clears an
  opt-out made in Salesforce that the site has not heard of yet;
- from Salesforce, an opt-out that changed is taken when it is newer than the
  site's choice; a cleared opt-out only when it was seen set before, so a
  record's default value is never read as a person's consent;
- linking to an existing record without overwriting it never clears its opt-out:
  the site takes it.
"""

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from host.api import FIELD_OF, Channel, ConsentOrigin, FieldChange, User, UserSnapshot, as_utc, update_user
from plugins.salesforce_common import ObjectDescription
from plugins.salesforce_contacts.inbound.echo import from_salesforce
from plugins.salesforce_contacts.settings import Options
from plugins.salesforce_contacts.site_users import field_value

#: The consent source for choices made in Salesforce.
SALESFORCE = "salesforce"
EMAIL_OPT_OUT_FIELD = "HasOptedOutOfEmail"
#: Marks of what Salesforce holds: channel to the ISO time of the choice.
Marks = dict[str, str]


def opt_out_fields(options: Options, description: ObjectDescription | None) -> dict[Channel, str]:
    """The record's opt-out field per channel; without a description, as a message names them."""
    fields: dict[Channel, str] = {}
    if description is None or description.field(EMAIL_OPT_OUT_FIELD) is not None:
        fields[Channel.EMAIL] = EMAIL_OPT_OUT_FIELD
    if options.sms_opt_out_field:
        info = description.field(options.sms_opt_out_field) if description else None
        fields[Channel.SMS] = info.name if info else options.sms_opt_out_field
    return fields


def _choice_at(user: UserSnapshot | User, channel: Channel) -> datetime | None:
    moment: datetime | None = getattr(user, f"{channel.value}_consent_at")
    return as_utc(moment) if moment is not None else None


def _granted(user: UserSnapshot | User, channel: Channel) -> bool:
    return bool(getattr(user, FIELD_OF[channel]))


def outgoing_opt_outs(user: UserSnapshot, fields: Mapping[Channel, str], marks: Mapping[str, str]) -> dict[str, bool]:
    """The opt-out values a sync sends: every opt-out, and consents newer than Salesforce's."""
    values: dict[str, bool] = {}
    for channel, name in fields.items():
        if not _granted(user, channel):
            values[name] = True
            continue
        chosen = _choice_at(user, channel)
        held = marks.get(channel.value)
        if chosen is not None and (held is None or chosen > datetime.fromisoformat(held)):
            values[name] = False
    return values


def marks_after_sending(user: UserSnapshot | User, fields: Mapping[Channel, str], sent: Collection[str]) -> Marks:
    """The marks once Salesforce holds what was sent (or, after linking, what the site has)."""
    marks: Marks = {}
    for channel, name in fields.items():
        if name in sent and (chosen := _choice_at(user, channel)) is not None:
            marks[channel.value] = chosen.isoformat()
    return marks


def opted_out(value: Any) -> bool | None:
    """A checkbox value as REST (a bool) or an outbound message ("true") gives it."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in ("true", "1") else False if text in ("false", "0") else None


def apply_opt_outs(user: User, changes: Mapping[str, bool], origin: ConsentOrigin) -> dict[str, FieldChange]:
    """Change the user's consents to follow Salesforce's opt-outs (by channel value), not echoed back."""
    values = {FIELD_OF[Channel(channel)]: not out for channel, out in changes.items()}
    if not values:
        return {}
    with from_salesforce():
        return dict(update_user(user, values, origin))


def record_consents(fields: Mapping[Channel, str], record: Mapping[str, Any]) -> dict[str, bool]:
    """The consents of a user created from a record: what its opt-outs say."""
    consents: dict[str, bool] = {}
    for channel, name in fields.items():
        if (value := opted_out(field_value(record, name))) is not None:
            consents[FIELD_OF[channel]] = not value
    return consents


def incoming_opt_outs(
    fields: Mapping[Channel, str], record: Mapping[str, Any], known: Mapping[str, Any]
) -> dict[str, bool]:
    """The opt-outs a record's values change, by channel, against the values last seen.

    A set opt-out counts when it differs from the last value seen; a cleared one only
    when it was seen set, so a default false is never taken for consent.
    """
    changes: dict[str, bool] = {}
    for channel, name in fields.items():
        value = opted_out(field_value(record, name))
        if value is None:
            continue
        before = opted_out(field_value(known, name))
        if (value and before is not True) or (not value and before is True):
            changes[channel.value] = value
    return changes
