"""A user still signed in with a one-time password (given by a quản trị) goes to "Đổi mật khẩu" before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import TemporaryPassword

SESSION_KEY = "_thidua_one_time_password"
ALLOWED = ("password_change", "password_change_done", "logout")


def _pending(user_pk: int, password_hash: str) -> bool:
    return TemporaryPassword.objects.filter(user_id=user_pk, password_hash=password_hash).exists()


class OneTimePasswordMiddleware:
    """Asks the database once per session (and again only while a one-time password is pending)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            known = request.session.get(SESSION_KEY)
            if known != [user.pk, "ok"]:
                if _pending(user.pk, user.password):
                    request.session[SESSION_KEY] = [user.pk, "pending"]
                    if request.path not in {reverse(name) for name in ALLOWED}:
                        messages.warning(request, _("Bạn đang dùng mật khẩu dùng một lần: hãy đặt mật khẩu mới."))
                        return redirect("password_change")
                else:
                    request.session[SESSION_KEY] = [user.pk, "ok"]
        return self.get_response(request)
