"""Where to send someone after a form: only ever somewhere on this site."""

from urllib.parse import urlsplit


def safe_next_url(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None.

    Refused: absolute URLs, scheme-relative ``//host`` URLs, backslashes (which some
    browsers read as slashes) and control characters, so a crafted link cannot send
    someone who just logged in to another site.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
