"""The plugin's own tables, migrated by the revisions in ``migrations/``.

Ids of site users are plain columns, not foreign keys: a link outlives its user until
the deletion has reached Salesforce (the queued deletion reads it), and a batch in
flight may still save the link of a user deleted meanwhile, which that deletion then
finds and forgets.
"""

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from host.api import Model

PLUGIN_NAME = "salesforce_contacts"


class ContactLink(Model):
    """Which Salesforce record a user is kept in, and what the site knows it holds."""

    __tablename__ = "salesforce_contacts_links"
    __table_args__ = {"info": {"plugin": PLUGIN_NAME}}

    user_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: One user per record: a notification about it finds that user.
    salesforce_id: Mapped[str] = mapped_column(String(18), unique=True)
    object_type: Mapped[str] = mapped_column(String(80))
    instance_url: Mapped[str] = mapped_column(String(500), default="")
    #: Topic name (as the site spells it) to its TopicAssignment id, if known.
    topics: Mapped[dict[str, str | None]] = mapped_column(JSON, default=dict)
    #: Consent channel to the ISO time of the site's choice the record holds.
    consent: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class SeenNotification(Model):
    """An outbound-message notification already received; its primary key settles redeliveries."""

    __tablename__ = "salesforce_contacts_seen_notifications"
    __table_args__ = {"info": {"plugin": PLUGIN_NAME}}

    notification_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
