"""Types shared by the views: every page of the app sits behind login_required or LoginRequiredMixin, so a view's
``request.user`` is a real ``User``, never ``AnonymousUser``."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    """The request a view receives once the login check has passed."""

    user: User
