"""``host.api`` is the one door from a plugin into the host, and what it names is there.

Plugins that reach past it into ``host.services`` or ``host.sync`` tie themselves to
modules that may move; the bundled ones and those under ``examples/`` are held to it
here, line by line, and so are the plugin guide's examples and the files
``plughost plugins new`` writes.
"""

import ast
import re
from importlib import resources
from pathlib import Path

import pytest

import host.api

REPOSITORY = Path(__file__).parents[2]
PLUGINS = REPOSITORY / "plugins"
EXAMPLES = REPOSITORY / "examples"
GUIDE = REPOSITORY / "docs" / "plugins.md"
SCAFFOLD = REPOSITORY / "host" / "scaffold" / "files"
_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _is_host(module: str) -> bool:
    return module == "host" or module.startswith("host.")


def imports_past_the_api(source: str) -> list[tuple[int, str]]:
    """``(line, statement)`` for each import of ``host`` or ``host.<module>`` other than ``host.api``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _is_host(node.module):
            if node.module != "host.api":
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Import) and any(_is_host(alias.name) for alias in node.names):
            if any(alias.name != "host.api" for alias in node.names if _is_host(alias.name)):
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_an_import_past_the_api_is_caught():
    source = "import host.sync\nfrom host import crypto\nfrom host.api import db\nimport host.api\nimport flask\n"
    assert imports_past_the_api(source) == [(1, "import host.sync"), (2, "from host import crypto")]


def test_bundled_and_example_plugins_import_the_host_only_through_host_api():
    sources = [*PLUGINS.rglob("*.py"), *EXAMPLES.glob("*/src/**/*.py"), *EXAMPLES.glob("*/tests/**/*.py")]
    offending = [
        f"{path.relative_to(REPOSITORY)}:{line}: {statement}"
        for path in sorted(sources)
        for line, statement in imports_past_the_api(path.read_text())
    ]
    assert offending == [], "import these names from host.api instead:\n" + "\n".join(offending)


def test_the_guide_s_examples_import_the_host_only_through_host_api():
    blocks = _PYTHON_BLOCK.findall(GUIDE.read_text())
    assert len(blocks) >= 5
    offending = [statement for block in blocks for _line, statement in imports_past_the_api(block)]
    assert offending == []


def test_the_new_plugin_s_code_imports_the_host_only_through_host_api():
    sources = sorted(SCAFFOLD.rglob("*.py.tmpl"))
    assert sources
    offending = [
        f"{path.relative_to(SCAFFOLD)}:{line}: {statement}"
        for path in sources
        # The templates' $$names stand in a string, a package or a class name: parsed as names.
        for line, statement in imports_past_the_api(path.read_text().replace("$", ""))
    ]
    assert offending == []


@pytest.mark.parametrize("name", host.api.__all__)
def test_every_name_the_api_lists_is_there(name: str):
    assert getattr(host.api, name, None) is not None, f"host.api lists {name} but has no such name"


def test_the_api_lists_each_name_once():
    assert len(host.api.__all__) == len(set(host.api.__all__))


def test_the_host_ships_its_types():
    assert resources.files("host").joinpath("py.typed").is_file()
    assert '"host" = ["py.typed"]' in (REPOSITORY / "pyproject.toml").read_text()
