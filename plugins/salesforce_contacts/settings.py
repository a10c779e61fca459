"""The plugin's settings: the connection, and how users become Salesforce records.

Scalar choices live in the host's settings (one strict form, embedded in the setup
page); the field mapping, which is a table, lives in the plugin's store and is edited
on the settings tabs too.
"""

import enum
from dataclasses import dataclass

from host.api import FieldKind, PluginStore, SettingField, SettingsProxy
from plugins.salesforce_common import DEFAULT_API_VERSION, SalesforceConfig
from plugins.salesforce_common.api_budget import BUDGET_FIELD, budget_share
from plugins.salesforce_common.api_names import check_api_name
from plugins.salesforce_common.batching import BATCH_WAIT_FIELD
from plugins.salesforce_common.config import LOGIN_FIELDS, chosen_login_url
from plugins.salesforce_common.org_choices import check_api_version
from plugins.salesforce_common.record_loads import BULK_THRESHOLD_SETTING, bulk_threshold


class Segmentation(enum.StrEnum):
    """Where a user's tags go in Salesforce."""

    TOPICS = "topics"
    MULTIPICKLIST = "multipicklist"
    PICKLIST = "picklist"
    NONE = "none"


class MergeStrategy(enum.StrEnum):
    """What the first sync does to a record that already matches the user."""

    OVERWRITE = "overwrite"
    FILL_EMPTY = "fill_empty"
    LINK_ONLY = "link_only"


class Deletion(enum.StrEnum):
    """What deleting a user does to their Salesforce record."""

    NOTHING = "nothing"
    DELETE = "delete"
    SET_FIELD = "set_field"


FIELD_API_NAME = check_api_name("A field", "Site_User_Id__c")

SETTINGS_FIELDS: tuple[SettingField, ...] = (
    *LOGIN_FIELDS,
    SettingField("consumer_key", "Consumer Key", required=True, help="From your Connected App."),
    SettingField("consumer_secret", "Consumer Secret", secret=True, required=True),
    SettingField(
        "api_version",
        "API version",
        default=DEFAULT_API_VERSION,
        validators=(check_api_version,),
        help="Chosen from the versions your org serves on the Object & fields tab.",
    ),
    SettingField(
        "object_type",
        "Object type",
        default="Contact",
        validators=(FIELD_API_NAME,),
        help="Chosen from your org's objects on the Object & fields tab.",
    ),
    SettingField(
        "match_field",
        "External ID field",
        validators=(FIELD_API_NAME,),
        help="A custom External ID field holding the site's user id (recommended). Blank matches by Email.",
    ),
    SettingField(
        "segmentation",
        "Tags in Salesforce",
        FieldKind.CHOICE,
        default=Segmentation.TOPICS,
        choices=(
            (Segmentation.TOPICS, "Topics"),
            (Segmentation.MULTIPICKLIST, "A multi-select picklist field (one value per tag)"),
            (Segmentation.PICKLIST, "A picklist field (one value)"),
            (Segmentation.NONE, "Not synced"),
        ),
    ),
    SettingField("segmentation_field", "Tag picklist field", validators=(FIELD_API_NAME,)),
    SettingField(
        "merge_strategy",
        "When a matching record already exists",
        FieldKind.CHOICE,
        default=MergeStrategy.OVERWRITE,
        choices=(
            (MergeStrategy.OVERWRITE, "Overwrite its values with the site's"),
            (MergeStrategy.FILL_EMPTY, "Fill only its empty fields"),
            (MergeStrategy.LINK_ONLY, "Leave it alone and only link it"),
        ),
    ),
    SettingField(
        "sms_opt_out_field", "SMS opt-out field", validators=(FIELD_API_NAME,), help="A checkbox field; blank for none."
    ),
    SettingField(
        "deletion",
        "When a user is deleted",
        FieldKind.CHOICE,
        default=Deletion.NOTHING,
        choices=(
            (Deletion.NOTHING, "Leave the Salesforce record"),
            (Deletion.DELETE, "Delete the Salesforce record"),
            (Deletion.SET_FIELD, "Set a field on the Salesforce record"),
        ),
    ),
    SettingField("deletion_field", "Field to set on deletion", validators=(FIELD_API_NAME,)),
    SettingField("deletion_value", "Value to set on deletion", default="Deleted on site"),
    SettingField(
        "default_company",
        "Company for Leads",
        default="Website sign-up",
        help="Leads need a Company; used when no user field is mapped to it.",
    ),
    BATCH_WAIT_FIELD,
    BUDGET_FIELD,
    BULK_THRESHOLD_SETTING,
)


@dataclass(frozen=True)
class Options:
    """The settings that shape a sync, read once per batch."""

    object_type: str
    match_field: str
    segmentation: Segmentation
    segmentation_field: str
    merge_strategy: MergeStrategy
    sms_opt_out_field: str
    deletion: Deletion
    deletion_field: str
    deletion_value: str
    default_company: str

    @property
    def matches_by_external_id(self) -> bool:
        return self.match_field.lower() != "email"

    @classmethod
    def of(cls, settings: SettingsProxy) -> "Options":
        def text(key: str) -> str:
            return str(settings.get(key) or "").strip()

        return cls(
            object_type=text("object_type") or "Contact",
            match_field=text("match_field") or "Email",
            segmentation=Segmentation(text("segmentation") or Segmentation.TOPICS),
            segmentation_field=text("segmentation_field"),
            merge_strategy=MergeStrategy(text("merge_strategy") or MergeStrategy.OVERWRITE),
            sms_opt_out_field=text("sms_opt_out_field"),
            deletion=Deletion(text("deletion") or Deletion.NOTHING),
            deletion_field=text("deletion_field"),
            deletion_value=str(settings.get("deletion_value") or ""),
            default_company=text("default_company"),
        )


def salesforce_config(settings: SettingsProxy, store: PluginStore) -> SalesforceConfig:
    """The library's view of this plugin's connection."""
    return SalesforceConfig(
        consumer_key=str(settings.get("consumer_key") or ""),
        consumer_secret=str(settings.get("consumer_secret") or ""),
        login_url=chosen_login_url(settings),
        api_version=str(settings.get("api_version") or DEFAULT_API_VERSION),
        store=store,
        record_kind="user",
        api_budget_share=budget_share(settings.get(BUDGET_FIELD.key)),
        bulk_threshold=bulk_threshold(settings),
    )
