"""Checking that an unexpected error reached a page as a sentence and the log in full."""

import re

#: The sentence :func:`host.services.errors.unexpected_error` gives, with its reference.
SENTENCE = re.compile(r"(.+) failed unexpectedly; the site's log has the details under error ([0-9a-f]{8})\.")


def assert_logged_sentence(shown: str, log_text: str, exception: str) -> str:
    """Assert ``shown`` is the sentence and the log holds ``exception`` under its reference.

    :param exception: what the log must hold, as ``Name: message``.
    :return: the sentence's subject, for the caller to check.
    """
    found = SENTENCE.search(shown)
    assert found, f"no error sentence in {shown!r}"
    assert exception not in shown and exception.split(":")[0] not in shown, "the exception reached the page"
    entry = log_text[log_text.index(f"(error {found.group(2)})") :]
    assert exception in entry, f"the log's entry for error {found.group(2)} does not hold {exception!r}"
    return found.group(1)
