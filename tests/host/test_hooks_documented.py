"""Every hook is documented, in its spec and in the plugin guide, and fired by a test.

A test that fires hook ``x`` is named ``test_hook_x``, anywhere under ``tests/``. Each
hook's heading in a reference is followed by its signature exactly as its spec declares
it (without ``-> None``), so the reference cannot drift from the specs: the host's in
docs/plugins.md, and a bundled plugin's own hooks in that plugin's README.md.
"""

import ast
import inspect
import re
import textwrap
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest
from sample_plugins import Showcase

from host import hookspecs
from host.extensions import db
from host.plugins import registry
from host.sync import enqueue, wait_until_drained

REPOSITORY = Path(__file__).parents[2]
GUIDE = REPOSITORY / "docs" / "plugins.md"

HOOKS = sorted(name for name, value in vars(hookspecs).items() if hasattr(value, "plughost_spec"))
PLUGINS = REPOSITORY / "plugins"
_HEADING = re.compile(r"^### `(\w+)`\n`([^`\n]+)`", re.MULTILINE)


def spec_signatures(specs: ModuleType | type) -> dict[str, str]:
    """Each hookspec's signature as written in its source: ``name(params) -> returns``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(specs)))
    signatures = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef) or not hasattr(getattr(specs, node.name, None), "plughost_spec"):
            continue
        node.args.args = [arg for arg in node.args.args if arg.arg != "self"]
        returns = node.returns
        quoted = isinstance(returns, ast.Constant) and isinstance(returns.value, str)
        result = returns.value if quoted else ast.unparse(returns) if returns else "None"
        signatures[node.name] = f"{node.name}({ast.unparse(node.args)})" + ("" if result == "None" else f" -> {result}")
    return signatures


def reference_problems(specs: ModuleType | type, reference: str) -> list[str]:
    """Where a hook reference misses a spec's hook or shows another signature than its spec."""
    documented = dict(_HEADING.findall(reference))
    problems = []
    for hook, signature in spec_signatures(specs).items():
        if hook not in documented:
            problems.append(f"{hook} has no heading followed by its signature")
        elif documented[hook] != signature:
            problems.append(f"{hook} is documented as `{documented[hook]}`, its spec is `{signature}`")
    return problems


def _test_names() -> set[str]:
    names = set()
    for path in (REPOSITORY / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text())
        names.update(node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef))
    return names


def test_the_hooks_are_found():
    assert {"user_registered", "affiliate_deleted", "plugin_status", "admin_banners"} <= set(HOOKS)


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    spec = getattr(hookspecs, hook)
    assert inspect.getdoc(spec), f"{hook} has no docstring in host/hookspecs.py"
    assert f"### `{hook}`" in GUIDE.read_text(), f"{hook} is missing from the hook reference in docs/plugins.md"


def test_the_hook_reference_shows_each_spec_s_signature():
    assert reference_problems(hookspecs, GUIDE.read_text()) == []


def test_a_bundled_plugin_s_own_hooks_are_in_its_readme():
    from host.plugins.manager import discover_plugins

    plugins, _broken = discover_plugins()
    for plugin in plugins:
        folder = PLUGINS / plugin.name
        if plugin.hookspecs is not None and folder.is_dir():
            readme = (folder / "README.md").read_text()
            assert reference_problems(plugin.hookspecs, readme) == [], plugin.name


def test_a_reference_that_drifted_from_the_specs_is_caught():
    class Specs:
        @hookspecs.hookspec
        def order_paid(self, order: int, paid_at: datetime) -> None:
            """An order was paid."""

        @hookspecs.hookspec
        def order_badges(self, order: int) -> Iterable[str]:
            """Badges for an order."""

    assert spec_signatures(Specs) == {
        "order_paid": "order_paid(order: int, paid_at: datetime)",
        "order_badges": "order_badges(order: int) -> Iterable[str]",
    }
    drifted = "### `order_paid`\n`order_paid(order: int)`: fires when paid.\n"
    assert reference_problems(Specs, drifted) == [
        "order_paid is documented as `order_paid(order: int)`, its spec is `order_paid(order: int, paid_at: datetime)`",
        "order_badges has no heading followed by its signature",
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook):
    assert f"test_hook_{hook}" in _test_names(), f"no test named test_hook_{hook} fires {hook}"


def test_hook_sync_handlers(make_app):
    plugin = Showcase()
    app = make_app(plugin)
    with app.app_context():
        registry.enable("showcase")
        db.session.commit()
        enqueue(plugin, "note", "7")
        db.session.commit()
        wait_until_drained(timeout=10)
    assert [entry.record_id for entry in plugin.notes.delivered] == ["7"]
