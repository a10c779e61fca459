"""What every admin page shows around its content: the menu and the plugins' banners."""

from dataclasses import dataclass

from flask import url_for

from host.contributions import Banner, BannerLevel, MenuItem
from host.plugins.dispatch import collect_items
from host.plugins.manager import current_plugin_host
from host.plugins.registry import enabled_names
from host.plugins.settings_page import settings_url
from host.sync.overview import plugin_title
from host.sync.pauses import active_pauses, pause_end

#: The host's own admin pages, in menu order, as (label, endpoint).
HOST_PAGES = (
    ("Dashboard", "admin_dashboard.index"),
    ("Users", "admin_users.index"),
    ("Affiliates", "admin_affiliates.index"),
    ("Tags", "admin_tags.index"),
    ("Marketplace", "admin_marketplace.index"),
    ("Site settings", "admin_site_settings.edit"),
    ("Outbox", "admin_outbox.index"),
)
#: The sync queue's page, served by ``host.sync``.
SYNC_PAGE = MenuItem("Sync", "/admin/sync")


@dataclass(frozen=True)
class MenuSection:
    """A group of menu entries; the host's own group has no title."""

    title: str
    items: tuple[MenuItem, ...]


def admin_menu() -> list[MenuSection]:
    """The host's pages, then a section per plugin with its settings and its own entries.

    A plugin's settings are listed even while it is disabled, so it can be set up
    before it is enabled; its other entries appear only while it is enabled.
    """
    host_items = tuple(MenuItem(label, url_for(endpoint)) for label, endpoint in HOST_PAGES)
    sections = [MenuSection("", (*host_items, SYNC_PAGE))]
    contributed: dict[str, list[MenuItem]] = {}
    for plugin, item in collect_items("admin_menu_items", MenuItem):
        contributed.setdefault(plugin.name, []).append(item)
    enabled = enabled_names()
    for plugin in sorted(current_plugin_host().plugins.values(), key=lambda plugin: plugin.title.lower()):
        items = []
        if url := settings_url(plugin, enabled=plugin.name in enabled):
            items.append(MenuItem("Settings", url))
        items.extend(contributed.get(plugin.name, ()))
        if items:
            sections.append(MenuSection(plugin.title, tuple(items)))
    return sections


def paused_queue_banners() -> list[Banner]:
    """A notice for each plugin whose queue paused itself until a time, such as an exhausted API limit.

    A pause with no end waits for a person (a reauthorization, the Pause button) and is
    told by the plugin's own banner or was chosen on the Sync page.
    """
    banners = []
    for name, pause in sorted(active_pauses().items()):
        end = pause_end(pause)
        if end is None:
            continue
        shown_end = f"{end:%Y-%m-%d %H:%M}"
        # A reason that already names the end (an exhausted API limit's does) is not told it twice.
        until = "" if shown_end in pause.reason else f" until {shown_end} UTC"
        banners.append(
            Banner(
                f"{plugin_title(name)} has paused syncing{until}; nothing is lost. {pause.reason}",
                BannerLevel.WARNING,
                url_for("sync_admin.index") + f"#plugin-{name}",
                "Open Sync",
            )
        )
    return banners


def admin_banners() -> list[Banner]:
    """The notices of paused queues, then those enabled plugins raise for admins."""
    return [*paused_queue_banners(), *(banner for _plugin, banner in collect_items("admin_banners", Banner))]
