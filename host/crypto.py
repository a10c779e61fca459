"""Encryption of secrets at rest (plugin secrets, OAuth tokens).

Fernet gives authenticated encryption, so a tampered or foreign ciphertext is refused
rather than decrypted into garbage.
"""

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


class SecretDecryptionError(Exception):
    """A stored secret could not be decrypted with the configured key."""


def _fernet() -> Fernet:
    return Fernet(current_app.config["PLUGHOST_ENCRYPTION_KEY"])


def encrypt(plaintext: str) -> str:
    """Encrypt ``plaintext`` with the site's encryption key."""
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(ciphertext: str) -> str:
    """Decrypt a value made by :func:`encrypt`; raise if the key does not match."""
    try:
        return _fernet().decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise SecretDecryptionError("stored secret cannot be decrypted with this key") from error
