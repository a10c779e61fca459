"""Salesforce Leads: affiliates pushed to Salesforce Leads, or a custom object.

The entry point ``plughost.plugins: salesforce_leads`` points at :data:`plugin`.
"""

from plugins.salesforce_leads.plugin import SalesforceLeads

plugin = SalesforceLeads()

__all__ = ["SalesforceLeads", "plugin"]
