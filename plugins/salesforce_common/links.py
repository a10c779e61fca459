"""Links for admins to the records the plugins keep in Salesforce."""


def record_url(instance_url: str, sobject: str, record_id: str) -> str:
    """Where Salesforce shows a record in Lightning Experience."""
    return f"{instance_url.rstrip('/')}/lightning/r/{sobject}/{record_id}/view"
