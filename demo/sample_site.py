"""The demo site's content: its owner, tags, users, affiliates, and the plugins' keys."""

from host.models import AffiliateStatus, Role
from host.plugins.manager import current_plugin_host
from host.services.affiliates import create_affiliate
from host.services.tags import create_tag
from host.services.users import change_tags, register_user
from plugins.salesforce_common import DEFAULT_API_VERSION

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "plughost-demo-owner"
USER_PASSWORD = "plughost-demo-user"

TAGS = ("Newsletter", "Customer", "Partner program")
USERS = (
    ("Grace", "Hopper", "grace@example.com", ("Newsletter", "Customer")),
    ("Alan", "Turing", "alan@example.com", ("Customer",)),
    ("Katherine", "Johnson", "katherine@example.com", ()),
)
AFFILIATES = (
    ("Margaret", "Hamilton", "margaret@apollo.example", "Apollo Referrals", AffiliateStatus.ACTIVE),
    ("Edsger", "Dijkstra", "edsger@shortest.example", "Shortest Path Media", AffiliateStatus.ON_MODERATION),
)


def enter_connected_app(login_url: str, consumer_key: str, consumer_secret: str) -> None:
    """Put a Connected App's key and secret, and the org's URL, into both plugins' settings.

    The plugins stay as they are, disabled and unauthorized in the demo: enabling them
    and granting access is the visitor's part.
    """
    plugins = current_plugin_host().plugins
    plugins["salesforce_leads"].settings.update(
        {
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
            "api_url": f"{login_url}/services/data/v{DEFAULT_API_VERSION}",
            "salesforce_domain": login_url,
        }
    )
    plugins["salesforce_contacts"].settings.update(
        {
            "login_host": "custom",
            "custom_login_url": login_url,
            "consumer_key": consumer_key,
            "consumer_secret": consumer_secret,
        }
    )


def add_sample_content() -> None:
    """The owner, tags, users and affiliates a visitor finds on the demo site."""
    owner = register_user(
        email=OWNER_EMAIL, password=OWNER_PASSWORD, first_name="Olive", last_name="Owner", role=Role.ADMIN
    )
    tags = {name: create_tag(name) for name in TAGS}
    for first_name, last_name, email, tag_names in USERS:
        user = register_user(
            email=email,
            password=USER_PASSWORD,
            first_name=first_name,
            last_name=last_name,
            marketing_email_consent=bool(tag_names),
        )
        change_tags([user], add=[tags[name] for name in tag_names])
    for first_name, last_name, email, company, status in AFFILIATES:
        create_affiliate(
            first_name=first_name, last_name=last_name, email=email, company=company, status=status, manager_id=owner.id
        )
