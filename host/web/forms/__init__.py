"""The host's forms, built on Flask-WTF so every POST carries a CSRF token."""
