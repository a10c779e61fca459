"""Template lookup: the theme folder first, then the host's and the plugins' own templates.

The application's Jinja environment is a :class:`ThemedEnvironment`, so every
``render_template`` (the host's and the plugins') goes through it:

- Its loader is a ``ChoiceLoader``: the theme folder, then Flask's packaged loader (the
  host's templates and every blueprint's). A theme file at the same relative path as a
  packaged one overrides it. ``parent/NAME`` always means the packaged ``NAME``, so a
  theme template can ``{% extends "parent/base.html" %}`` and change only some blocks.
- Admin templates resolve packaged-only: ``admin/...`` and any template whose packaged
  version extends the admin layout (plugins' settings pages). They are loaded from a
  second environment, :attr:`ThemedEnvironment.packaged`, whose own includes and
  extends are packaged-only too; so a theme can neither restyle nor break the admin,
  and the owner can always reach it to fix the theme. Plugins' panels are fragments
  rendered on their own, not admin layouts, so a theme may restyle them.
- A theme template that fails, to compile or to render, falls back to the packaged
  template of the same name: the failure is logged and kept for the admin dashboard
  (:mod:`host.themes.failures`), and the visitor gets the packaged page. Loading is
  funnelled through one method (``_load_template``) and rendering through
  :meth:`ThemeTemplate.render`, which is where ``flask.render_template`` ends up.
- Theme files are re-read when they change (``auto_reload``): a theme is edited on a
  running site.
"""

from pathlib import Path
from typing import Any, cast

from flask.sansio.app import App
from flask.templating import Environment
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    Template,
    TemplateNotFound,
    TemplateSyntaxError,
    nodes,
)

from host.themes import theme_folder
from host.themes.failures import failure_of, record_failure
from host.themes.undefined import ThemeUndefined

#: ``parent/NAME`` is the packaged template ``NAME``, for child themes.
PARENT_PREFIX = "parent"
#: Templates under this folder, and those extending one of them, ignore the theme.
ADMIN_FOLDER = "admin/"


class ThemeTemplate(Template):
    """A template of the themed environment: a failing theme file falls back to the packaged page."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            return super().render(*args, **kwargs)
        except Exception as error:
            environment = cast(ThemedEnvironment, self.environment)
            failure = failure_of(error, environment.folder)
            if failure is None or self.name is None:
                raise
            record_failure(failure, environment.folder)
            return environment.packaged.get_template(self.name).render(*args, **kwargs)


class ThemedEnvironment(Environment):
    """Flask's environment with the theme folder searched first (see the module's text)."""

    template_class = ThemeTemplate

    def __init__(self, app: App, **options: Any) -> None:
        packaged_loader: BaseLoader = options.pop("loader", None) or app.create_global_jinja_loader()
        self.folder: Path = theme_folder(app)
        self._admin_names: dict[str, bool] = {}
        loader = ChoiceLoader(
            [PrefixLoader({PARENT_PREFIX: packaged_loader}), FileSystemLoader(self.folder), packaged_loader]
        )
        options["auto_reload"] = True
        super().__init__(app, loader=loader, undefined=ThemeUndefined, **options)
        #: The packaged-only environment: admin pages, and the fallback of a failing theme file.
        #: It shares globals, filters, tests and policies with this one, so both render alike.
        self.packaged = Environment(app, loader=packaged_loader, **options)
        self.packaged.globals = self.globals
        self.packaged.filters = self.filters
        self.packaged.tests = self.tests
        self.packaged.policies = self.policies

    def is_theme_file(self, filename: str) -> bool:
        """Whether ``filename`` (a template's source file) belongs to the theme folder."""
        return Path(filename).resolve().is_relative_to(self.folder)

    def is_admin_template(self, name: str) -> bool:
        """Whether ``name`` is an admin layout or page: under ``admin/``, or extends one (packaged)."""
        if name not in self._admin_names:
            self._admin_names[name] = self._extends_admin(name, set())
        return self._admin_names[name]

    def _extends_admin(self, name: str, seen: set[str]) -> bool:
        if name.startswith(ADMIN_FOLDER):
            return True
        if name in seen or self.packaged.loader is None:
            return False
        seen.add(name)
        try:
            source = self.packaged.loader.get_source(self.packaged, name)[0]
            extends = self.packaged.parse(source).find(nodes.Extends)
        except (TemplateNotFound, TemplateSyntaxError):
            return False
        if extends is None or not isinstance(extends.template, nodes.Const):
            return False
        return self._extends_admin(str(extends.template.value), seen)

    def _load_template(self, name: str, globals: Any) -> Template:
        """Every lookup (render, extends, include, import) comes here: admin or themed, with fallback."""
        if self.is_admin_template(name):
            return self.packaged.get_template(name, globals=globals)
        try:
            return super()._load_template(name, globals)
        except TemplateSyntaxError as error:
            failure = failure_of(error, self.folder)
            if failure is None:
                raise
            try:
                fallback = self.packaged.get_template(name, globals=globals)
            except TemplateNotFound:
                # A theme file of its own: the page that uses it falls back instead.
                raise error from None
            record_failure(failure, self.folder)
            return fallback
