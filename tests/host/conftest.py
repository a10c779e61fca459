"""Fixtures of the host's tests: a site whose Recorder plugin notes every hook it hears."""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sample_plugins import Recorder

from host.extensions import db
from host.plugins import registry


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def recording_site(make_app: Callable[..., Flask], recorder: Recorder) -> Iterator[Flask]:
    """An application context on a site where the recorder is enabled."""
    app = make_app(recorder)
    with app.app_context():
        registry.enable(recorder.name)
        db.session.commit()
        yield app
