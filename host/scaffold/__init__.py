"""``plughost plugins new NAME``: a plugin distribution that installs and passes its tests as written.

The files under ``files/`` are the plugin, with ``__package__`` in a path standing for
its package and ``$$name``, ``$$title``, ``$$class_name`` and ``$$distribution`` in a
text for its names (:class:`string.Template`: a handful of names needs no template
engine of its own, and Jinja's braces would clash with the plugin's own templates).
"""

import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

FILES = Path(__file__).parent / "files"
PACKAGE_PLACEHOLDER = "__package__"
TEMPLATE_SUFFIX = ".tmpl"
_NAME = re.compile(r"[a-z][a-z0-9_]{1,39}")
#: Names a plugin's package cannot take without shadowing Plughost's own.
TAKEN = frozenset({"host", "plugins", "demo", "salesforce_emulator", "tests"})


class ScaffoldError(Exception):
    """A name or a place the scaffold cannot use; the message says why."""


@dataclass(frozen=True)
class PluginNames:
    """The names a new plugin goes by."""

    name: str
    title: str

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("_") if part)

    @property
    def distribution(self) -> str:
        return "plughost-" + self.name.replace("_", "-")

    def substitutions(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "class_name": self.class_name,
            "distribution": self.distribution,
        }


def plugin_names(name: str, title: str | None = None) -> PluginNames:
    """The new plugin's names, or :class:`ScaffoldError` saying what is wrong with ``name``."""
    if not _NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} cannot name a plugin: use 2 to 40 lower-case letters, digits and underscores, "
            "starting with a letter (it becomes the plugin's Python package and URL segment)."
        )
    if name in TAKEN:
        raise ScaffoldError(f"{name!r} is a package of Plughost itself; choose another name.")
    return PluginNames(name, title or name.replace("_", " ").capitalize())


def write_plugin(names: PluginNames, parent: Path) -> Path:
    """Write the plugin's distribution into a new folder under ``parent``; returns that folder."""
    target = parent / names.distribution
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another name or folder.")
    substitutions = names.substitutions()
    for source in sorted(FILES.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = str(source.relative_to(FILES)).replace(PACKAGE_PLACEHOLDER, names.name)
        destination = target / relative.removesuffix(TEMPLATE_SUFFIX)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(Template(source.read_text()).substitute(substitutions))
    return target
