"""Missing variables: an error in a theme's own files, an empty string in the packaged ones.

The packaged templates rely on Jinja's lenient default (an absent optional value prints
nothing), so they keep it. A theme file gets ``StrictUndefined``'s behaviour instead: a
misspelt variable is a mistake its author wants to hear about, and because a failing
theme template falls back to the packaged one (see :mod:`host.themes.environment`),
being strict there costs visitors nothing while the dashboard names the file and line.
"""

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from jinja2 import Undefined


def _asking_template_file() -> tuple[Any, str] | None:
    """The environment and source file of the template code that is asking for a missing value.

    Compiled templates run in a namespace of their own holding their environment and no
    module name, and their code carries the template's file name.
    """
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        namespace = frame.f_globals
        if "environment" in namespace and "__name__" not in namespace:
            return namespace["environment"], frame.f_code.co_filename
        frame = frame.f_back
    return None


def _strict_when_in_theme(name: str) -> Callable[..., Any]:
    """``Undefined``'s method ``name``, refusing as ``StrictUndefined`` does when strict."""
    lenient = getattr(Undefined, name)

    def method(self: "ThemeUndefined", *args: Any) -> Any:
        if self._strict:
            self._fail_with_undefined_error()
        return lenient(self, *args)

    method.__name__ = name
    return method


class ThemeUndefined(Undefined):
    """Jinja's default undefined, except that it fails like ``StrictUndefined`` in theme files."""

    __slots__ = ("_strict",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        asking = _asking_template_file()
        self._strict = asking is not None and getattr(asking[0], "is_theme_file", lambda _name: False)(asking[1])

    __str__ = _strict_when_in_theme("__str__")
    __iter__ = _strict_when_in_theme("__iter__")
    __len__ = _strict_when_in_theme("__len__")
    __bool__ = _strict_when_in_theme("__bool__")
    __eq__ = _strict_when_in_theme("__eq__")
    __ne__ = _strict_when_in_theme("__ne__")
    __hash__ = _strict_when_in_theme("__hash__")
