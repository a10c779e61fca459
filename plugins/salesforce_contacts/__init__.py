"""Salesforce Contacts: site users synced to Salesforce Contacts, Leads or a custom object."""

from plugins.salesforce_contacts.plugin import SalesforceContactsPlugin, plugin

__all__ = ["SalesforceContactsPlugin", "plugin"]
