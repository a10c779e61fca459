"""The Send existing notice and its progress, as the Sync page and plugins' own pages show it.

Which plugins this admin asked to send is kept in their session, so every page that
shows the notice shows the bar instead, and looks again, until the records have arrived.
"""

from dataclasses import dataclass

from flask import session

from host.sync.unsent import UnsentRecords, unsent_records

#: The session key of the plugins whose existing records this admin asked to send.
SENDING = "sync_sending_existing"


@dataclass(frozen=True)
class ExistingRecords:
    """A plugin's records by where they stand, and whether the admin is following them."""

    plugin: str
    #: Where the records go, as the sentences say it: "not in Salesforce yet".
    destination: str
    kinds: list[UnsentRecords]
    sending: bool

    @property
    def waiting(self) -> bool:
        """Whether the page should look again: records the admin sent are still on their way."""
        return self.sending and any(records.waiting for records in self.kinds)

    @property
    def never_sent(self) -> int:
        return sum(records.never_sent for records in self.kinds)

    def progress_label(self, records: UnsentRecords) -> str:
        """The bar's sentence: ``3 of 12 users have reached Salesforce``."""
        return f"{records.arrived:,} of {records.count_of(records.total)} have reached {self.destination}"

    def to_json(self) -> dict[str, object]:
        """What the bar's script reads while it follows the records."""
        return {
            "waiting": self.waiting,
            "kinds": [
                {
                    "kind": records.kind,
                    "total": records.total,
                    "arrived": records.arrived,
                    "label": self.progress_label(records),
                }
                for records in self.kinds
            ],
        }


def existing_records(plugin: str, destination: str) -> ExistingRecords:
    """The plugin's existing records; a plugin whose sent records have all arrived stops being followed."""
    kinds = unsent_records(plugin)
    sending = plugin in session.get(SENDING, [])
    if sending and not any(records.waiting for records in kinds):
        session[SENDING] = [name for name in session.get(SENDING, []) if name != plugin]
        sending = False
    return ExistingRecords(plugin, destination, kinds, sending)


def follow_sending(plugin: str) -> None:
    """Remember that this admin sent the plugin's existing records, so pages show their progress."""
    session[SENDING] = sorted({*session.get(SENDING, []), plugin})
