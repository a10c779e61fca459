"""Every hook is documented, in its spec and in the plugin guide, and fired by a test.

A test that fires hook ``x`` is named ``test_hook_x``, anywhere under ``tests/``.
"""

import ast
import inspect
from pathlib import Path

import pytest
from sample_plugins import Showcase

from host import hookspecs
from host.extensions import db
from host.plugins import registry
from host.sync import enqueue, wait_until_drained

REPOSITORY = Path(__file__).parents[2]
GUIDE = REPOSITORY / "docs" / "plugins.md"

HOOKS = sorted(name for name, value in vars(hookspecs).items() if hasattr(value, "plughost_spec"))


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
