"""Plugins the host's tests install: one that records every event, one that always fails."""

from collections.abc import Mapping
from typing import Any

import click
from flask import Blueprint

from host.contributions import AdminPanel, Banner, MenuItem, PluginStatus
from host.plugins import Plugin, hookimpl
from host.snapshots import AffiliateSnapshot, FieldChange, UserSnapshot


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
    def user_admin_panels(self, user: UserSnapshot) -> list[AdminPanel]:
        self._fail("user_admin_panels")

    @hookimpl
    def affiliate_admin_panels(self, affiliate: AffiliateSnapshot) -> list[AdminPanel]:
        self._fail("affiliate_admin_panels")
