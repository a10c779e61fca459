"""``plughost demo``: the site and an emulated Salesforce org, wired together, on one machine.

The emulated org already knows the site's Connected App and both Salesforce plugins
already hold its key and secret; what is left to a visitor is what a site owner does:
enable the plugins, grant access in the org's login and Allow pages, map fields and
watch records arrive.
"""
