"""From Salesforce back to the site: outbound-message webhooks.

Salesforce POSTs a SOAP envelope of notifications to an endpoint whose URL carries a
long secret key; the endpoint checks the key and the org, records each notification
once and answers ``<Ack>true</Ack>`` at once; the sync queue applies them to users.
"""
