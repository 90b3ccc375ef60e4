"""A user still signed in with a one-time password (given by a quản trị) goes to "Đổi mật khẩu" before anything else.

The check costs nothing for everybody else: at sign-in (``user_logged_in``) the session is marked when the password is
a pending one-time password; only a marked session asks the database again, until the password has been changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import TemporaryPassword

SESSION_KEY = "_thidua_one_time_password"
ALLOWED = ("password_change", "password_change_done", "logout")


def _pending(user: Any) -> bool:
    return TemporaryPassword.objects.filter(user_id=user.pk, password_hash=user.password).exists()


def mark_one_time_password(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver (connected in CampaignsConfig.ready): mark the session of a one-time password."""
    if request is not None and hasattr(request, "session") and _pending(user):
        request.session[SESSION_KEY] = True


class OneTimePasswordMiddleware:
    """Sends a marked session to the password change page until the one-time password is replaced."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(SESSION_KEY):
            if not _pending(user):
                del request.session[SESSION_KEY]
            elif request.path not in {reverse(name) for name in ALLOWED}:
                messages.warning(request, _("Bạn đang dùng mật khẩu dùng một lần: hãy đặt mật khẩu mới."))
                return redirect("password_change")
        return self.get_response(request)
