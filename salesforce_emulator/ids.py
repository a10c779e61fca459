"""Salesforce record IDs: 15-character case-sensitive and 18-character checksummed forms.

The API always answers with 18 characters and accepts either on input, so every ID
entering the emulator goes through :func:`normalize_id` before it is looked up.
"""

import threading
from functools import lru_cache

_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_POD = "KX0"


def id18(id15: str) -> str:
    """Append the three-character checksum that encodes the case of the 15 characters."""
    suffix = ""
    for start in range(0, 15, 5):
        bits = 0
        for position, char in enumerate(id15[start : start + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << position
        suffix += _SUFFIX_ALPHABET[bits]
    return id15 + suffix


def normalize_id(value: str) -> str | None:
    """The canonical 18-character form of a 15- or 18-character ID, or None if malformed.

    An 18-character ID is case-insensitive: its suffix says which letters are upper case,
    so the canonical case is recovered from it before the checksum is verified.
    """
    if not isinstance(value, str):
        return None
    return _normalized(value)


# Every write normalizes its owner's and editor's ids again: the same few ids, over and over.
@lru_cache(maxsize=65_536)
def _normalized(value: str) -> str | None:
    if not value.isascii() or not value.isalnum():
        return None
    if len(value) == 15:
        return id18(value)
    if len(value) != 18:
        return None
    suffix = value[15:].upper()
    chars = list(value[:15])
    for chunk, flag in enumerate(suffix):
        bits = _SUFFIX_ALPHABET.find(flag)
        if bits < 0:
            return None
        for position in range(5):
            index = chunk * 5 + position
            upper = bool(bits & (1 << position))
            chars[index] = chars[index].upper() if upper else chars[index].lower()
    candidate = id18("".join(chars))
    return candidate if candidate[15:] == suffix else None


def _base62(number: int, width: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, 62)
        digits = _BASE62[remainder] + digits
    return digits.rjust(width, "0")


class IdGenerator:
    """Issues unique IDs per key prefix: prefix, pod, reserved character, base-62 counter."""

    def __init__(self, start: int = 1) -> None:
        self.next_number = start
        self._lock = threading.Lock()

    def new(self, prefix: str) -> str:
        with self._lock:
            number = self.next_number
            self.next_number += 1
        return id18(prefix + _POD + _base62(number, 9))


def custom_key_prefix(index: int) -> str:
    """Key prefixes for custom objects, in the a00..a0z, a10.. style Salesforce assigns."""
    return "a" + _BASE62[index // 62 % 62] + _BASE62[index % 62]
