"""What a plugin tells the library about its Salesforce connection.

Each plugin keeps the consumer key, secret, login URL and API version in its own
settings, under its own names; it reads them into a :class:`SalesforceConfig`, and
the library never looks at plugin settings itself. The login host is asked the same
way by every plugin: it declares :data:`LOGIN_FIELDS` and reads them with
:func:`chosen_login_url`.
"""

import enum
import re
from dataclasses import dataclass, field

from host.api import FieldKind, PluginStore, SettingField, SettingsProxy
from plugins.salesforce_common.errors import ConfigurationError
from plugins.salesforce_common.transport import check_secure_url, require_secure_transport

#: A recent API version, for plugins to offer as their setting's default.
DEFAULT_API_VERSION = "62.0"
PRODUCTION_LOGIN_URL = "https://login.salesforce.com"
SANDBOX_LOGIN_URL = "https://test.salesforce.com"
#: From how many records a load goes through a Bulk API 2.0 job instead of Collections:
#: a job costs about eight calls however many records it takes, Collections one per 200.
DEFAULT_BULK_THRESHOLD = 2000


class LoginHost(enum.StrEnum):
    """Where admins log in to connect: the one choice both plugins offer."""

    PRODUCTION = "production"
    SANDBOX = "sandbox"
    MY_DOMAIN = "custom"


#: The login host choice; the API host is not asked for, it comes with the token.
LOGIN_HOST_FIELD = SettingField(
    "login_host",
    "Salesforce login",
    FieldKind.CHOICE,
    default=LoginHost.PRODUCTION,
    choices=(
        (LoginHost.PRODUCTION, "Production (login.salesforce.com)"),
        (LoginHost.SANDBOX, "Sandbox (test.salesforce.com)"),
        (LoginHost.MY_DOMAIN, "My Domain"),
    ),
    help="Where you log in to Salesforce. The address the API is called at comes from the connection.",
)
#: Shown only while My Domain is chosen (the panel's script hides it otherwise).
MY_DOMAIN_FIELD = SettingField(
    "custom_login_url",
    "My Domain URL",
    FieldKind.URL,
    help="e.g. https://acme.my.salesforce.com",
    validators=(check_secure_url("The My Domain URL"),),
)
LOGIN_FIELDS = (LOGIN_HOST_FIELD, MY_DOMAIN_FIELD)


def chosen_login_url(settings: SettingsProxy) -> str:
    """The login URL the plugin's :data:`LOGIN_FIELDS` choose."""
    host = settings.get(LOGIN_HOST_FIELD.key)
    if host == LoginHost.SANDBOX:
        return SANDBOX_LOGIN_URL
    if host == LoginHost.MY_DOMAIN:
        return str(settings.get(MY_DOMAIN_FIELD.key) or "").strip()
    return PRODUCTION_LOGIN_URL


_API_VERSION = re.compile(r"^v?(\d{2,3}\.\d)$")


def parse_api_version(text: str) -> str:
    """``"62.0"`` from ``"62.0"`` or ``"v62.0"``; refuse anything else."""
    match = _API_VERSION.match(text.strip())
    if match is None:
        raise ConfigurationError(
            f"The Salesforce API version {text!r} is not a version number such as {DEFAULT_API_VERSION}."
        )
    return match.group(1)


@dataclass(frozen=True)
class SalesforceConfig:
    """One plugin's Salesforce connection settings and where it keeps its state."""

    #: The connected app's Consumer Key.
    consumer_key: str
    #: The connected app's Consumer Secret (the plugin stores it as a secret setting).
    consumer_secret: str = field(repr=False)
    #: Where admins log in: production, sandbox, a My Domain, or the emulator.
    login_url: str
    #: The REST API version, e.g. ``"62.0"``.
    api_version: str
    #: The plugin's store, which holds the tokens, identity, usage and describe cache.
    store: PluginStore
    #: The site's word for what the plugin syncs (``"affiliate"``, ``"user"``), used
    #: in the sentences errors are reported with.
    record_kind: str = "record"
    #: The share of the org's daily API requests the plugin may use (1.0: all of them).
    api_budget_share: float = 1.0
    connect_timeout: float = 10.0
    #: Salesforce itself gives up on a request after 10 minutes; a Collections call
    #: of 200 records takes seconds, so a minute means something is wrong.
    read_timeout: float = 60.0
    #: Loads of this many records or more go through Bulk API 2.0 (see :mod:`.record_loads`).
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD
    #: The plugin's title, by which other plugins sharing its connection name it; the
    #: plugin's name when left out.
    title: str = ""

    @property
    def plugin_title(self) -> str:
        return self.title or self.plugin_name

    @property
    def plugin_name(self) -> str:
        return self.store.plugin_name

    @property
    def login_base_url(self) -> str:
        return self.login_url.strip().rstrip("/")

    @property
    def authorize_url(self) -> str:
        return f"{self.login_base_url}/services/oauth2/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.login_base_url}/services/oauth2/token"

    @property
    def revoke_url(self) -> str:
        return f"{self.login_base_url}/services/oauth2/revoke"

    @property
    def version(self) -> str:
        """The API version as it appears in URLs, without the ``v``."""
        return parse_api_version(self.api_version)

    @property
    def timeouts(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    def require_complete(self) -> None:
        """Refuse settings that cannot connect, naming every problem at once."""
        missing = [
            label
            for label, value in (
                ("Consumer Key", self.consumer_key),
                ("Consumer Secret", self.consumer_secret),
                ("login URL", self.login_url),
            )
            if not (value or "").strip()
        ]
        if missing:
            raise ConfigurationError(
                f"Salesforce cannot be connected until these settings are filled in: {', '.join(missing)}."
            )
        require_secure_transport(self.login_base_url, "The Salesforce login URL")
        parse_api_version(self.api_version)
