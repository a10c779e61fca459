"""Paid orders of the site's shop sent to Salesforce as an Order with its OrderItems.

Orders ride on the Contacts plugin because the buyer's Contact (the order's
BillToContactId) is the one this plugin keeps, and the org connection is this
plugin's too: a second plugin would need a second approval of the connected app,
and Salesforce keeps only five per user and app. Everything here works only when
the shop is installed; without it the hooks are never called and the page is hidden.
"""
