"""A Salesforce-compatible server (OAuth, REST, SOQL, Collections, Composite) for tests and demos."""

from .app import create_app
from .config import ConnectedAppConfig, EmulatorConfig, UserConfig

__all__ = ["ConnectedAppConfig", "EmulatorConfig", "UserConfig", "create_app"]
