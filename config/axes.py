"""How django-axes names the account a failed login was for."""

from __future__ import annotations

from django.http import HttpRequest

# The User model allows 150 characters; axes stores the name in a varchar(255). A longer name typed into the login
# form is no account at all, and must not turn the failed login into a database error.
MAX_USERNAME = 150


def username_for_lockout(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The submitted username, cut to what an account can have."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username") if source else None
    return username[:MAX_USERNAME] if isinstance(username, str) else username
