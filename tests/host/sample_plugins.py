"""Plugins the host's tests install.

* :class:`Recorder` records every lifecycle event.
* :class:`Showcase` contributes to every page hook, has settings (one secret) and a
  public and an admin route, as a well-behaved plugin would.
* :class:`Picky` has a required setting and can refuse activation.
* :class:`Failing` raises in every hook.
* :class:`Connector` has a settings page of its own that embeds the host's form.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click
from flask import Blueprint, render_template
from werkzeug.wrappers import Response

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
from host.plugins import ActivationError, FieldKind, Plugin, SettingField, hookimpl
from host.snapshots import AffiliateSnapshot, FieldChange, UserSnapshot
from host.sync.handlers import Done, Entry, Outcome
from host.web.admin.plugin_settings import edit_settings

TEMPLATES = Path(__file__).parent / "sample_templates"


def _must_use_https(value: Any) -> str | None:
    return None if not value or str(value).startswith("https://") else "The address must start with https://."


class Recorder(Plugin):
    """Keeps every lifecycle event it receives, in order, as (hook name, arguments)."""

    name = "recorder"
    title = "Recorder"

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def of(self, hook_name: str) -> list[dict[str, Any]]:
        """The arguments of every call of ``hook_name``."""
        return [arguments for name, arguments in self.events if name == hook_name]

    @hookimpl
    def user_registered(self, user: UserSnapshot) -> None:
        self.events.append(("user_registered", {"user": user}))

    @hookimpl
    def user_updated(self, user: UserSnapshot, changes: Mapping[str, FieldChange]) -> None:
        self.events.append(("user_updated", {"user": user, "changes": dict(changes)}))

    @hookimpl
    def user_deleted(self, user: UserSnapshot) -> None:
        self.events.append(("user_deleted", {"user": user}))

    @hookimpl
    def user_tags_changed(self, user: UserSnapshot, added: frozenset[str], removed: frozenset[str]) -> None:
        self.events.append(("user_tags_changed", {"user": user, "added": added, "removed": removed}))

    @hookimpl
    def affiliate_created(self, affiliate: AffiliateSnapshot) -> None:
        self.events.append(("affiliate_created", {"affiliate": affiliate}))

    @hookimpl
    def affiliate_updated(self, affiliate: AffiliateSnapshot, changes: Mapping[str, FieldChange]) -> None:
        self.events.append(("affiliate_updated", {"affiliate": affiliate, "changes": dict(changes)}))

    @hookimpl
    def affiliate_deleted(self, affiliate: AffiliateSnapshot) -> None:
        self.events.append(("affiliate_deleted", {"affiliate": affiliate}))


class NoteHandler:
    """A sync handler that keeps what it is handed."""

    batch_size = 10

    def __init__(self) -> None:
        self.delivered: list[Entry] = []

    def __call__(self, entries: Sequence[Entry]) -> Mapping[int, Outcome]:
        self.delivered.extend(entries)
        return {entry.id: Done("noted") for entry in entries}


class Showcase(Plugin):
    """A plugin that uses every contribution hook the way it is meant to be used."""

    name = "showcase"
    title = "Showcase"
    description = "Shows what a plugin can add to the site."
    author = "Plughost tests"
    settings_fields = (
        SettingField("greeting", "Greeting", default="Hello"),
        SettingField("api_key", "API key", secret=True, help="From your Showcase account."),
        SettingField("endpoint", "Endpoint", kind=FieldKind.URL, validators=(_must_use_https,)),
    )

    def __init__(self) -> None:
        self.notes = NoteHandler()

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        public = Blueprint("showcase", __name__, url_prefix="/plugins/showcase", template_folder=TEMPLATES)
        public.add_url_rule("/hello", "hello", lambda: self.settings.get("greeting"))
        admin = Blueprint("showcase_admin", __name__, url_prefix="/admin/plugins/showcase")
        admin.add_url_rule("/report", "report", lambda: "showcase report")
        return [public, admin]

    @hookimpl
    def plugin_cli_commands(self) -> list[click.Command]:
        @click.command()
        def greet() -> None:
            """Print the greeting."""
            click.echo(self.settings.get("greeting"))

        return [greet]

    @hookimpl
    def sync_handlers(self) -> Mapping[str, Any]:
        return {"note": self.notes}

    @hookimpl
    def plugin_status(self) -> PluginStatus:
        return PluginStatus(StatusKind.CONNECTED, "Connected to showcase.example.", title="Account 42")

    @hookimpl
    def admin_menu_items(self) -> list[MenuItem]:
        return [MenuItem("Showcase report", "/admin/plugins/showcase/report")]

    @hookimpl
    def admin_banners(self) -> list[Banner]:
        return [
            Banner("Showcase wants your attention.", BannerLevel.WARNING, "/admin/plugins/showcase/report", "See why")
        ]

    @hookimpl
    def sync_warnings(self) -> list[SyncWarning]:
        return [SyncWarning("Notes longer than 80 characters are cut.", "/admin/plugins/showcase/report", "See which")]

    @hookimpl
    def user_admin_panels(self, user: UserSnapshot) -> list[AdminPanel]:
        return [AdminPanel("Showcase", "showcase/panel.html", {"email": user.email})]

    @hookimpl
    def user_list_columns(self, users: Sequence[UserSnapshot]) -> list[ListColumn]:
        cells = {
            user.id: ListCell("Linked", url=f"https://showcase.example/{user.id}", level="ok", title=f"SC-{user.id}")
            for user in users
            if user.email.endswith("@example.com")
        }
        return [ListColumn("Showcase", cells)]

    @hookimpl
    def affiliate_admin_panels(self, affiliate: AffiliateSnapshot) -> list[AdminPanel]:
        return [
            AdminPanel("Showcase", "showcase/panel.html", {"email": affiliate.email}),
            AdminPanel("Broken", "showcase/broken_panel.html", {}),
        ]

    @hookimpl
    def delete_consequences(self, record_kind: str, record: UserSnapshot | AffiliateSnapshot) -> str | None:
        return f"Showcase forgets {record.email}." if record_kind == "user" else None


class Picky(Plugin):
    """Needs a token before it can be enabled, and refuses when told to."""

    name = "picky"
    title = "Picky"
    settings_fields = (
        SettingField("token", "Token", secret=True, required=True),
        SettingField("refuse", "Refuse activation", kind=FieldKind.BOOLEAN, default=False),
    )

    def activate(self) -> None:
        if self.settings.get("refuse"):
            raise ActivationError("the token was rejected")


class Connector(Plugin):
    """Shows a callback URL beside its settings, and picks its region in a widget of its own."""

    name = "connector"
    title = "Connector"
    settings_fields = (
        SettingField("client_id", "Client ID", required=True),
        SettingField("client_secret", "Client secret", secret=True),
        SettingField(
            "region", "Region", FieldKind.CHOICE, default="eu", choices=(("eu", "Europe"), ("us", "United States"))
        ),
    )
    settings_endpoint = "connector.settings_page"

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        pages = Blueprint("connector", __name__, url_prefix="/admin/plugins/connector", template_folder=TEMPLATES)

        @pages.route("/", methods=["GET", "POST"])
        def settings_page() -> str | Response:
            form = edit_settings(self, exclude={"region"})
            if isinstance(form, Response):
                return form
            return render_template("connector/settings.html", form=form, region=self.settings.get("region"))

        return [pages]


class Failing(Plugin):
    """Raises in every hook, to show that no failure of a plugin breaks the site."""

    name = "failing"
    title = "Always failing"
    description = "Raises in every hook."

    @staticmethod
    def _fail(hook_name: str) -> None:
        raise RuntimeError(f"failing plugin broke in {hook_name}")

    @hookimpl
    def user_registered(self, user: UserSnapshot) -> None:
        self._fail("user_registered")

    @hookimpl
    def user_updated(self, user: UserSnapshot, changes: Mapping[str, FieldChange]) -> None:
        self._fail("user_updated")

    @hookimpl
    def user_deleted(self, user: UserSnapshot) -> None:
        self._fail("user_deleted")

    @hookimpl
    def user_tags_changed(self, user: UserSnapshot) -> None:
        self._fail("user_tags_changed")

    @hookimpl
    def affiliate_created(self, affiliate: AffiliateSnapshot) -> None:
        self._fail("affiliate_created")

    @hookimpl
    def affiliate_updated(self, affiliate: AffiliateSnapshot) -> None:
        self._fail("affiliate_updated")

    @hookimpl
    def affiliate_deleted(self, affiliate: AffiliateSnapshot) -> None:
        self._fail("affiliate_deleted")

    @hookimpl
    def plugin_blueprints(self) -> list[Blueprint]:
        self._fail("plugin_blueprints")

    @hookimpl
    def plugin_cli_commands(self) -> list[click.Command]:
        self._fail("plugin_cli_commands")

    @hookimpl
    def sync_handlers(self) -> Mapping[str, Any]:
        self._fail("sync_handlers")

    @hookimpl
    def plugin_status(self) -> PluginStatus:
        self._fail("plugin_status")

    @hookimpl
    def admin_menu_items(self) -> list[MenuItem]:
        self._fail("admin_menu_items")

    @hookimpl
    def admin_banners(self) -> list[Banner]:
        self._fail("admin_banners")

    @hookimpl
    def sync_warnings(self) -> list[SyncWarning]:
        self._fail("sync_warnings")

    @hookimpl
    def user_admin_panels(self, user: UserSnapshot) -> list[AdminPanel]:
        self._fail("user_admin_panels")

    @hookimpl
    def affiliate_admin_panels(self, affiliate: AffiliateSnapshot) -> list[AdminPanel]:
        self._fail("affiliate_admin_panels")
