"""The project's own suite uses the fixtures Plughost ships for every plugin's tests.

They come from :mod:`host.testing` (the ``plughost`` pytest plugin, registered through
the ``pytest11`` entry point): ``make_app``, ``app``, ``client``, ``make_user``,
``log_in``, ``admin_client``, ``live_server``, ``emulator``. PostgreSQL is configured in
pyproject.toml, so tests taking a database run on SQLite and on PostgreSQL. PostgreSQL,
Redis and Chromium may be missing on a developer's machine, where their tests skip;
``.ci/run`` sets ``PLUGHOST_REQUIRE_SERVICES=1`` so that there they fail instead.
"""
