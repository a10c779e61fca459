"""Outgoing mail: queued with the change that causes it, sent once that change commits.

A password-reset link for an account whose creation then rolls back must not go out,
and a slow or broken mail server must not fail the page that sent the message: so
:func:`send_mail` only notes the message in the session, and the outermost commit
hands it to Flask-Mailman, logging (never raising) whatever goes wrong.
"""

import logging
from dataclasses import dataclass

from flask import has_app_context
from flask_mailman import EmailMessage
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from host.extensions import db

log = logging.getLogger(__name__)

#: Session key: the messages waiting for the transaction to commit.
_PENDING = "plughost_mail_pending"


@dataclass(frozen=True)
class _Queued:
    to: str
    subject: str
    body: str
    #: The (sub)transaction the message was queued in; its rollback drops the message.
    transaction: SessionTransaction


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to ``to`` once the current transaction commits.

    A rollback of the transaction (or of the savepoint it was queued in) drops the
    message. Plugins call this too, e.g. from a lifecycle hook: nothing leaves the
    site before the change it announces is stored.
    """
    session = db.session()
    # Begin the transaction now if none is open, so that a rollback before the commit drops the message.
    transaction = session.get_nested_transaction() or session.get_transaction() or session.begin()
    session.info.setdefault(_PENDING, []).append(_Queued(to, subject, body, transaction))


def _deliver(message: _Queued) -> None:
    try:
        EmailMessage(message.subject, message.body, to=[message.to]).send()
    except Exception:
        log.exception("The mail %r to %s could not be sent", message.subject, message.to)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    # A savepoint's release is reported as a commit too; only the outermost one stores the change.
    if session.in_nested_transaction() or not has_app_context():
        return
    for message in session.info.pop(_PENDING, []):
        _deliver(message)


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        return
    pending = session.info.get(_PENDING, [])
    session.info[_PENDING] = [message for message in pending if not _within(message.transaction, previous_transaction)]
