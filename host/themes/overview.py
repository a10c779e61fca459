"""What the active theme changes, for the Site settings page."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from flask import current_app
from jinja2 import FileSystemLoader

from host.themes.environment import ThemedEnvironment

#: Files of a theme folder that are not templates: its stylesheets and images, its notes.
NOT_TEMPLATES = ("static/", "README")


@dataclass(frozen=True)
class ThemeOverview:
    """The theme folder and its templates, sorted by what they do."""

    folder: Path
    exists: bool
    #: Theme files that replace a packaged template of the same name.
    overrides: list[str] = field(default_factory=list)
    #: Theme files named like an admin template: admin pages ignore them.
    ignored: list[str] = field(default_factory=list)
    #: Theme files with no packaged counterpart (its own partials, say).
    added: list[str] = field(default_factory=list)


def theme_overview() -> ThemeOverview:
    environment = cast(ThemedEnvironment, current_app.jinja_env)
    folder = environment.folder
    if not folder.is_dir():
        return ThemeOverview(folder, exists=False)
    packaged_loader = environment.packaged.loader
    packaged = set(packaged_loader.list_templates()) if packaged_loader else set()
    overview = ThemeOverview(folder, exists=True)
    for name in FileSystemLoader(folder).list_templates():
        if name.startswith(NOT_TEMPLATES):
            continue
        if environment.is_admin_template(name):
            overview.ignored.append(name)
        elif name in packaged:
            overview.overrides.append(name)
        else:
            overview.added.append(name)
    return overview
