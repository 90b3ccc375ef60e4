"""Who may do what where: one place for the role checks every view and service uses.

Out of scope is handled by the querysets (`visible_to`, `in_scope_of`) and answers 404;
in scope but the wrong role raises PermissionDenied here and answers 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Membership, Role, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

WRITE_ROLES = (Role.NHAP_LIEU, Role.LANH_DAO, Role.QUAN_TRI)


def roles_for(user: User, unit: Unit) -> set[str]:
    """Roles the user holds on this unit through a membership on the unit or any unit above it."""
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {choice.value for choice in Role}
    cache = user.__dict__.setdefault("_thidua_roles_cache", {})
    if unit.pk not in cache:
        cache[unit.pk] = set(
            Membership.objects.filter(acting_q(), user=user, unit__path__in=unit.covering_paths()).values_list(
                "role", flat=True
            )
        )
    return cache[unit.pk]


def prime_roles(user: User, units: Iterable[Unit]) -> None:
    """Answer ``roles_for`` for many units with one query: an import judges hundreds of participants' units.

    Fills the same per-user cache as ``roles_for``, with the same rule (a membership on the unit or a unit above it:
    its materialised path is a prefix of the unit's).
    """
    if not user or not user.is_authenticated or not user.is_active or user.is_superuser:
        return
    cache = user.__dict__.setdefault("_thidua_roles_cache", {})
    missing = {unit.pk: unit for unit in units if unit.pk not in cache}
    if not missing:
        return
    held = list(Membership.objects.filter(acting_q(), user=user).values_list("unit__path", "role"))
    for unit in missing.values():
        cache[unit.pk] = {role for path, role in held if unit.path.startswith(path)}


def acting_q() -> Q:
    """Memberships that still act: on a unit that has not ended, or nội vụ (read-only) on one that has. A chairman or
    clerk of a dissolved unit keeps read access to its past periods (campaigns.models.scope_q) and no role."""
    today = timezone.localdate()
    return Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=today) | Q(role=Role.NOI_VU)


def has_role(user: User, unit: Unit, *roles: str) -> bool:
    return bool(roles_for(user, unit) & set(roles))


def ensure_role(user: User, unit: Unit, *roles: str, message: str | None = None) -> None:
    """Raise PermissionDenied (403) unless the user holds one of the roles on the unit or above."""
    if not has_role(user, unit, *roles):
        raise PermissionDenied(message or _("Bạn không có quyền thực hiện thao tác này."))


def is_read_only(user: User, unit: Unit) -> bool:
    """True for a user who may only look here (nội vụ, or any role without write rights)."""
    return not has_role(user, unit, *WRITE_ROLES)


def user_roles(user: User) -> set[str]:
    """Every role the user holds anywhere; drives the navigation."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {choice.value for choice in Role}
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))
