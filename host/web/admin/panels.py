"""Plugins' boxes on the admin's record pages, rendered one by one in isolation."""

from dataclasses import dataclass
from typing import Any

from flask import render_template
from markupsafe import Markup

from host.contributions import AdminPanel
from host.plugins.dispatch import collect_items, report_failure


@dataclass(frozen=True)
class RenderedPanel:
    title: str
    html: Markup


def rendered_panels(hook_name: str, **kwargs: Any) -> list[RenderedPanel]:
    """The panels enabled plugins add through ``hook_name``, rendered from their templates.

    A panel whose template fails to render is left out and counted against its
    plugin, so one broken panel never breaks the page.
    """
    panels = []
    for plugin, panel in collect_items(hook_name, AdminPanel, **kwargs):
        try:
            html = render_template(panel.template, **panel.context)
        except Exception as error:
            report_failure(plugin, hook_name, error)
            continue
        panels.append(RenderedPanel(panel.title, Markup(html)))
    return panels
