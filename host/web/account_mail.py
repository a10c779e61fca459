"""The mail the site sends about accounts: the welcome and the password-reset link.

Bodies are plain-text templates under ``mail/``, so a site can reword them; links
are absolute (:func:`~host.web.urls.public_url`), since they are opened from a mail
reader.
"""

from flask import render_template

from host.models import User
from host.services.mail import send_mail
from host.services.password_links import password_token
from host.web.urls import public_url

#: The purpose of "Lost your password?" links (see host.services.password_links).
RESET_PURPOSE = "reset"
RESET_MAX_AGE_SECONDS = 2 * 3600


def send_welcome(user: User) -> None:
    """Greet a person who just registered, with the links they will need."""
    body = render_template(
        "mail/welcome.txt",
        user=user,
        site_url=public_url("public.home"),
        profile_url=public_url("account.profile"),
        lost_password_url=public_url("passwords.lost"),
    )
    send_mail(user.email, "Welcome: your account is ready", body)


def send_password_reset(user: User) -> None:
    """Mail ``user`` a link to choose a new password, valid for a while and once."""
    body = render_template(
        "mail/password_reset.txt",
        user=user,
        hours=RESET_MAX_AGE_SECONDS // 3600,
        reset_url=public_url("passwords.reset", token=password_token(user, RESET_PURPOSE)),
    )
    send_mail(user.email, "Choose a new password", body)
