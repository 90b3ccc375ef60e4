"""Navigation by role, the unread notice count and the section the page belongs to, for the base layout."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from campaigns.models import Notice
from campaigns.permissions import user_roles

# The navbar's entries by URL name; a page belongs to the entry whose address starts its own (the longest wins), so
# a plan's page marks "Kế hoạch" and a decision's page marks "Quyết định" inside "Khen thưởng".
NAV_ENTRIES = (
    "campaigns:plan_list",
    "scoring:entry_period_list",
    "scoring:standing_index",
    "awards:nomination_index",
    "awards:decision_list",
    "awards:home_affairs",
    "campaigns:unit_list",
    "planning:notice_list",
    "planning:job_list",
    "campaigns:person_list",
    "admin:index",
)


def current_nav_entry(path: str) -> str:
    """The URL name of the navbar entry ``path`` falls under, "" when none does (the home page, a period's page)."""
    best, best_length = "", 0
    for name in NAV_ENTRIES:
        try:
            prefix = reverse(name)
        except NoReverseMatch:
            continue
        if prefix != "/" and path.startswith(prefix) and len(prefix) > best_length:
            best, best_length = name, len(prefix)
    return best


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set(), "nav_unread_notices": 0, "nav_current": ""}
    return {
        "nav_roles": SimpleLazyObject(lambda: user_roles(user)),
        "nav_unread_notices": SimpleLazyObject(lambda: Notice.objects.filter(user=user, read_at__isnull=True).count()),
        "nav_current": current_nav_entry(request.path),
        "nav_exact": request.path,
    }
