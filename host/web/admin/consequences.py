"""What deleting a record does beyond the site, in the words of the plugins that act on it.

The host knows no Salesforce: each enabled plugin says, through the
``delete_consequences`` hook, what its ``user_deleted`` or ``affiliate_deleted`` will
do, and the confirmation shows those sentences under the host's own.
"""

from host.plugins.base import Plugin
from host.plugins.dispatch import collect
from host.snapshots import AffiliateSnapshot, UserSnapshot

#: The ``record_kind`` the hook is called with, by the snapshot's type.
RECORD_KINDS: dict[type, str] = {UserSnapshot: "user", AffiliateSnapshot: "affiliate"}


def delete_consequences(record: UserSnapshot | AffiliateSnapshot) -> list[str]:
    """The sentences enabled plugins give for deleting ``record``; a non-text answer counts as none."""
    answers: list[tuple[Plugin, object]] = collect(
        "delete_consequences", record_kind=RECORD_KINDS[type(record)], record=record
    )
    return [answer.strip() for _plugin, answer in answers if isinstance(answer, str) and answer.strip()]
