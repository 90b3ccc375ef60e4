"""Who may manage officials, accounts, roles and the org tree, and why not: one answer for pages, services, the Excel
import and the command.

The rules (issue 20), for a user acting as quản trị:

- Officials (Person) and units are managed inside the subtree of a unit where the user is quản trị.
- An account is managed (deactivated, its password reset) only when everything it holds is inside that subtree: its
  official's unit and every role; an account that also works elsewhere belongs to the quản trị above.
- A role is given or removed only on a unit of the subtree, so never above it, and so never quản trị of a higher
  unit; and nobody grants, removes, resets or deactivates anything of their own account.

Out of scope answers 404 through the ``visible_*`` querysets; in scope but refused raises PermissionDenied (403) with
the answer's reason (``ensure``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from campaigns.models import Membership, OrgEvent, Person, Role, Unit, path_scope_q
from campaigns.permissions import has_role, user_roles

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Answer:
    """Allowed, or refused with a Vietnamese reason and a stable ``code`` (``role``, ``scope``, ``self``, ``state``)."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed


YES = Answer(True)


def ensure(answer: Answer) -> None:
    """Raise PermissionDenied (403) with the answer's reason when it refuses."""
    if not answer:
        raise PermissionDenied(answer.reason)


class OrgPolicy:
    """Every "may this user manage …" of issue 20, for one acting user (its answers are cached per instance)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self._admin_paths: list[str] | None = None

    # --- scope ----------------------------------------------------------------------------------------------------

    @property
    def is_superuser(self) -> bool:
        return bool(self.user.is_active and self.user.is_superuser)

    def admin_paths(self) -> list[str]:
        """Tree paths of the units where the user is quản trị (their subtrees are what the user manages)."""
        if self._admin_paths is None:
            if not self.user.is_authenticated or not self.user.is_active:
                self._admin_paths = []
            else:
                self._admin_paths = sorted(
                    set(
                        Membership.objects.filter(user=self.user, role=Role.QUAN_TRI).values_list(
                            "unit__path", flat=True
                        )
                    )
                )
        return self._admin_paths

    def manages_unit(self, unit: Unit) -> bool:
        """The unit is the user's quản trị unit or below it."""
        return self.is_superuser or any(unit.path.startswith(path) for path in self.admin_paths())

    def admin_units(self) -> QuerySet[Unit]:
        """Units the user manages (subtrees of its quản trị memberships), in tree order."""
        # Not in_scope_of: that also reaches the units a merger ended, which are history, not managed.
        units: QuerySet[Unit] = Unit.objects.all()
        return units if self.is_superuser else units.filter(path_scope_q(self.admin_paths()))

    def visible_units(self) -> QuerySet[Unit]:
        units: QuerySet[Unit] = Unit.objects.in_scope_of(self.user)
        return units

    def visible_people(self) -> QuerySet[Person]:
        """Officials of units in the user's scope (any role): anything else is a 404."""
        return Person.objects.filter(unit__in=self.visible_units())

    def visible_accounts(self) -> QuerySet[User]:
        """Accounts with a role or an official in the user's scope (any role): anything else is a 404."""
        scope = self.visible_units()
        ids = Membership.objects.filter(unit__in=scope).values("user_id")
        people = Person.objects.filter(unit__in=scope, user__isnull=False).values("user_id")
        return get_user_model().objects.filter(Q(pk__in=ids) | Q(pk__in=people))

    def visible_memberships(self) -> QuerySet[Membership]:
        return Membership.objects.filter(unit__in=self.visible_units())

    def visible_events(self) -> QuerySet[OrgEvent]:
        return OrgEvent.objects.visible_to(self.user)

    # --- answers --------------------------------------------------------------------------------------------------

    def _not_admin(self) -> Answer:
        return Answer(
            False, _("Chỉ quản trị của đơn vị (hoặc đơn vị cấp trên) được quản lý cán bộ, tài khoản."), "role"
        )

    def may_administer(self) -> Answer:
        """The user is quản trị somewhere: the officials, accounts and log pages open."""
        if self.is_superuser or Role.QUAN_TRI in user_roles(self.user):
            return YES
        return self._not_admin()

    def may_manage_people_of(self, unit: Unit) -> Answer:
        """Add, edit, move or mark as left officials of this unit."""
        if self.manages_unit(unit):
            return YES
        return self._not_admin()

    def may_move_person(self, person: Person, to: Unit) -> Answer:
        if not self.may_manage_people_of(person.unit):
            return self._not_admin()
        if not self.manages_unit(to):
            return Answer(False, _("Đơn vị chuyển đến nằm ngoài phạm vi quản trị của bạn."), "scope")
        return YES

    def _outside_units(self, account: User) -> list[Unit]:
        units = [membership.unit for membership in Membership.objects.filter(user=account).select_related("unit")]
        person = Person.objects.filter(user=account).select_related("unit").first()
        if person is not None:
            units.append(person.unit)
        return [unit for unit in units if not self.manages_unit(unit)]

    def may_manage_account(self, account: User) -> Answer:
        """Deactivate, reactivate or reset the password of an account."""
        if not self.may_administer():
            return self._not_admin()
        if account.pk == self.user.pk:
            return Answer(False, _("Bạn không thể tự thay đổi quyền hoặc trạng thái tài khoản của chính mình."), "self")
        if account.is_superuser and not self.is_superuser:
            return Answer(False, _("Tài khoản quản trị hệ thống chỉ do quản trị hệ thống quản lý."), "scope")
        if self._outside_units(account):
            return Answer(
                False,
                _("Tài khoản này có vai trò ở đơn vị ngoài phạm vi quản trị của bạn: việc này do quản trị cấp trên."),
                "scope",
            )
        return YES

    def may_create_account(self, person: Person) -> Answer:
        if not self.may_manage_people_of(person.unit):
            return self._not_admin()
        if person.user_id:
            return Answer(False, _("Cán bộ này đã có tài khoản."), "state")
        if not person.is_active:
            return Answer(False, _("Cán bộ đã nghỉ công tác: không tạo tài khoản."), "state")
        return YES

    def may_grant(self, account: User, unit: Unit, role: str) -> Answer:
        """Give a role on a unit: only on a unit of the user's subtree, never to oneself."""
        if not self.may_administer():
            return self._not_admin()
        if account.pk == self.user.pk:
            return Answer(False, _("Không ai được tự giao vai trò cho chính mình."), "self")
        if not self.manages_unit(unit):
            if role == Role.QUAN_TRI:
                return Answer(
                    False, _("Không được giao vai trò quản trị của đơn vị cấp trên hoặc ngoài phạm vi."), "scope"
                )
            return Answer(False, _("Chỉ được giao vai trò trên các đơn vị thuộc phạm vi quản trị của bạn."), "scope")
        if role not in Role.values:
            return Answer(False, _("Vai trò không hợp lệ."), "state")
        if not account.is_active:
            return Answer(False, _("Tài khoản đã bị khóa: mở lại trước khi giao vai trò."), "state")
        return YES

    def may_revoke(self, membership: Membership) -> Answer:
        if not self.may_administer():
            return self._not_admin()
        if membership.user_id == self.user.pk:
            return Answer(False, _("Bạn không thể tự thu hồi vai trò của chính mình."), "self")
        if not self.manages_unit(membership.unit):
            return Answer(False, _("Vai trò này ở đơn vị ngoài phạm vi quản trị của bạn."), "scope")
        return YES

    def may_merge(self, units: Iterable[Unit], successor: Unit) -> Answer:
        """Record a merger: every merged unit and the successor inside the user's subtree."""
        if not self.may_administer():
            return self._not_admin()
        outside = [unit for unit in [*units, successor] if not self.manages_unit(unit)]
        if outside:
            return Answer(
                False,
                _("Đơn vị %(name)s nằm ngoài phạm vi quản trị của bạn.") % {"name": outside[0].name},
                "scope",
            )
        return YES

    def has_quan_tri_on(self, unit: Unit) -> bool:
        return has_role(self.user, unit, Role.QUAN_TRI)
