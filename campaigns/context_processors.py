"""Navigation by role, and the unread notice count, for the base layout."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from campaigns.models import Notice
from campaigns.permissions import user_roles


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set(), "nav_unread_notices": 0}
    return {
        "nav_roles": SimpleLazyObject(lambda: user_roles(user)),
        "nav_unread_notices": SimpleLazyObject(lambda: Notice.objects.filter(user=user, read_at__isnull=True).count()),
    }
