"""The services layer: the one way records change.

Views, the command line, imports, tests and plugins change users, affiliates, tags and
site settings through these functions, so every change is validated the same way and
fires its lifecycle hook with a snapshot. The functions flush but never commit: the
caller owns the transaction, so a change and the work plugins queue for it commit or
roll back together.
"""
