"""Site-wide settings the owner changes from the admin (registration open, ...)."""

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from host.extensions import Model


class SiteSetting(Model):
    """One site-wide setting, stored as JSON under its name."""

    __tablename__ = "site_settings"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
