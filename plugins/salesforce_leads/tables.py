"""The plugin's own table, migrated by the revisions in ``migrations/``."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from host.api import Model


class LeadLink(Model):
    """Which Salesforce record an affiliate became.

    The affiliate's id is a plain column, not a foreign key: the link outlives the
    affiliate until its deletion has reached Salesforce, which reads it to know the
    record to delete.
    """

    __tablename__ = "salesforce_leads_links"
    __table_args__ = {"info": {"plugin": "salesforce_leads"}}

    affiliate_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sobject: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[str] = mapped_column(String(18))
