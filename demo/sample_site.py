"""The demo site's content: its owner, tags, users, affiliates, and the plugins' keys."""

from host.models import AffiliateStatus, Role
from host.plugins.manager import current_plugin_host
from host.services.affiliates import create_affiliate
from host.services.tags import create_tag
from host.services.users import change_tags, register_user
from plugins.salesforce_common import DEFAULT_API_VERSION

from demo.emulated_org import EmulatedOrg

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


def enter_connected_app(org: EmulatedOrg) -> None:
    """Put the org's Connected App key and secret, and its URLs, into both plugins' settings.

    The plugins stay disabled and unauthorized: enabling them and granting access is
    the visitor's part of the demo.
    """
    app = org.connected_app
    plugins = current_plugin_host().plugins
    plugins["salesforce_leads"].settings.update(
        {
            "consumer_key": app.consumer_key,
            "consumer_secret": app.consumer_secret,
            "api_url": f"{org.url}/services/data/v{DEFAULT_API_VERSION}",
            "salesforce_domain": org.url,
        }
    )
    plugins["salesforce_contacts"].settings.update(
        {
            "login_host": "custom",
            "custom_login_url": org.url,
            "consumer_key": app.consumer_key,
            "consumer_secret": app.consumer_secret,
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
