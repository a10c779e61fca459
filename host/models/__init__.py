"""The host's tables: people, affiliates, tags and site-wide settings."""

from host.models.affiliates import Affiliate, AffiliateStatus
from host.models.consents import Channel, ConsentChange
from host.models.custom_fields import CustomField, CustomFieldOwner
from host.models.login_failures import LoginFailure
from host.models.site_settings import SiteSetting
from host.models.tags import Tag, user_tags
from host.models.users import Role, User

__all__ = [
    "Affiliate",
    "AffiliateStatus",
    "Channel",
    "ConsentChange",
    "CustomField",
    "CustomFieldOwner",
    "LoginFailure",
    "Role",
    "SiteSetting",
    "Tag",
    "User",
    "user_tags",
]
