"""Everything a plugin may use from the host, in one module.

Plugins import from here and nowhere else in ``host``: what is named below is kept
stable across minor versions, while the modules it comes from may move. The bundled
plugins are held to this by a test, so this list is also what they need.
"""

from host import crypto
from host.addresses import Resolver, host_addresses, is_loopback_host, is_public_address, resolve_host
from host.contributions import (
    AdminPanel,
    Banner,
    BannerLevel,
    ListCell,
    ListColumn,
    MenuItem,
    PluginStatus,
    StatusKind,
    SyncWarning,
)
from host.database import VALUES_PER_STATEMENT, independent_transaction
from host.extensions import Model, csrf, db
from host.hookspecs import hookspec
from host.models import Affiliate, Channel, CustomFieldOwner, User
from host.plugin_data_moves import PLUGIN_DATA, forget_stored, store_values, stored_pages, table_pages
from host.plugins.base import ActivationError, Plugin, hookimpl
from host.plugins.blueprints import current_plugin
from host.plugins.dispatch import collect, collect_items, notify
from host.plugins.manager import is_installed
from host.plugins.settings import FieldKind, PluginStore, SettingField, SettingsProxy, SettingsValidationError
from host.services.consents import FIELD_OF, IMPORT, ConsentOrigin
from host.services.custom_fields import defined_fields
from host.services.errors import InvalidValue
from host.services.mail import send_mail
from host.services.password_links import password_token
from host.services.tags import all_tags, create_tag, find_tag
from host.services.text import control_character_problem
from host.services.users import change_tags, find_user_by_email, register_user, update_user
from host.snapshots import AffiliateSnapshot, FieldChange, UserSnapshot
from host.sync import RecordStatus, enqueue, pause_reason, record_status, record_statuses, resume, wait_until_drained
from host.sync.backfill import RecordsOfTable
from host.sync.cli import backfill_with_progress, plugin_backfill_command
from host.sync.existing import ExistingRecords, existing_records
from host.sync.handlers import (
    SETTLE_NOW,
    BackfillSource,
    BatchWait,
    ClaimedEntries,
    Done,
    Entry,
    Failed,
    FillsBatches,
    NamesRecords,
    Outcome,
    Pause,
    RecordLabel,
    RetryLater,
    SelectsRecordIds,
    SettleNow,
    StreamsEntries,
    SyncHandler,
)
from host.sync.labels import affiliate_labels, user_labels
from host.sync.upsert import insert_for
from host.timestamps import as_utc, utcnow
from host.web.access import admin_required
from host.web.admin.panels import rendered_panels
from host.web.admin.plugin_settings import edit_settings
from host.web.forms.base import Form, RecordForm
from host.web.forms.choices import options as select_options
from host.web.paging import PER_PAGE, page_number
from host.web.passwords import password_link_page
from host.web.tabs import Tab
from host.web.urls import NoPublicAddress, public_url

__all__ = [
    # Plugins, their hooks and settings
    "ActivationError",
    "FieldKind",
    "Plugin",
    "PluginStore",
    "SettingField",
    "SettingsProxy",
    "SettingsValidationError",
    "collect",
    "current_plugin",
    "collect_items",
    "hookimpl",
    "hookspec",
    "is_installed",
    "notify",
    # What hooks contribute to the admin
    "AdminPanel",
    "Banner",
    "BannerLevel",
    "ListCell",
    "ListColumn",
    "MenuItem",
    "PluginStatus",
    "StatusKind",
    "SyncWarning",
    # Records and the snapshots hooks receive
    "Affiliate",
    "AffiliateSnapshot",
    "Channel",
    "CustomFieldOwner",
    "FieldChange",
    "User",
    "UserSnapshot",
    # Services a plugin may call
    "FIELD_OF",
    "IMPORT",
    "ConsentOrigin",
    "InvalidValue",
    "all_tags",
    "change_tags",
    "control_character_problem",
    "create_tag",
    "defined_fields",
    "find_tag",
    "find_user_by_email",
    "password_token",
    "register_user",
    "send_mail",
    "update_user",
    # The sync queue and its handler contract
    "BackfillSource",
    "BatchWait",
    "ClaimedEntries",
    "Done",
    "Entry",
    "ExistingRecords",
    "Failed",
    "FillsBatches",
    "NamesRecords",
    "Outcome",
    "Pause",
    "RecordLabel",
    "RecordStatus",
    "RecordsOfTable",
    "RetryLater",
    "SETTLE_NOW",
    "SelectsRecordIds",
    "SettleNow",
    "StreamsEntries",
    "SyncHandler",
    "affiliate_labels",
    "backfill_with_progress",
    "enqueue",
    "existing_records",
    "pause_reason",
    "plugin_backfill_command",
    "record_status",
    "record_statuses",
    "resume",
    "user_labels",
    "wait_until_drained",
    # The database
    "VALUES_PER_STATEMENT",
    "Model",
    "db",
    "independent_transaction",
    "insert_for",
    # Moving a plugin's stored rows into its tables, in its migrations
    "PLUGIN_DATA",
    "forget_stored",
    "store_values",
    "stored_pages",
    "table_pages",
    # Pages, URLs, outbound addresses and secrets
    "Form",
    "NoPublicAddress",
    "PER_PAGE",
    "RecordForm",
    "Tab",
    "Resolver",
    "admin_required",
    "crypto",
    "csrf",
    "edit_settings",
    "host_addresses",
    "is_loopback_host",
    "is_public_address",
    "page_number",
    "password_link_page",
    "public_url",
    "rendered_panels",
    "resolve_host",
    "select_options",
    # Time
    "as_utc",
    "utcnow",
]
