"""A module-level view finds its plugin object through the application serving it."""

import pytest
from sample_plugins import Picky, Recorder

from host.api import plugin_named


def test_each_application_gives_its_own_plugin_object(make_app):
    first, second = Recorder(), Recorder()
    for plugin in (first, second):
        with make_app(plugin).app_context():
            assert plugin_named("recorder", Recorder) is plugin


def test_a_name_not_installed_or_of_another_class_is_a_lookup_error(make_app):
    with make_app(Recorder()).app_context():
        with pytest.raises(LookupError, match="'picky'"):
            plugin_named("picky", Picky)
        with pytest.raises(LookupError, match="no Picky plugin named 'recorder'"):
            plugin_named("recorder", Picky)
