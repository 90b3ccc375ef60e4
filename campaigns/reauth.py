"""Re-entering one's password to confirm a binding act (signing or annulling a decision), under the login policy.

The password goes through ``django.contrib.auth.authenticate``, so django-axes counts a wrong one exactly as a
failed login (AXES_FAILURE_LIMIT per account and address, AXES_COOLOFF_HOURS): guessing stops after the same number
of tries, the account and address are then locked for signing and logging in alike, and AxesMiddleware answers with
the Vietnamese lockout page. Every failure is also logged (logger ``thidua.security``) with the account, the action,
the object and the address.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger("thidua.security")


class Locked(Exception):
    """Too many wrong passwords: the account is locked out (AxesMiddleware renders the lockout page)."""


def confirm_password(*, request: HttpRequest, user: User, password: str, action: str) -> None:
    """Raise ValidationError for a wrong password and Locked once the login policy locks the account out."""
    checked = authenticate(request, username=user.get_username(), password=password or "")
    if getattr(request, "axes_locked_out", False):
        logger.warning(
            "Re-authentication refused (locked out): user=%s action=%s ip=%s",
            user.get_username(),
            action,
            request.META.get("REMOTE_ADDR", ""),
        )
        raise Locked
    if checked is None or checked.pk != user.pk:
        logger.warning(
            "Re-authentication failed: user=%s action=%s ip=%s",
            user.get_username(),
            action,
            request.META.get("REMOTE_ADDR", ""),
        )
        raise ValidationError(_("Mật khẩu không đúng."), code="wrong_password")
