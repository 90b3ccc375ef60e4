"""Who may change a plan and its parts, and why not: one answer read by pages, templates, services and plan files.

Shaped like scoring/access.py's ``Access``: ``allowed``, the Vietnamese ``reason`` when not, and a stable ``code``
(``role``: not lãnh đạo or quản trị of the issuing unit or a unit above it, answered 403; ``closed``: the plan has
ended, its rules are what its periods were judged by). ``None`` as the user is the command line (shell access).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from campaigns.models import Membership, Period, Plan, Role, Unit
from campaigns.permissions import has_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PLAN_EDIT_ROLES = (Role.LANH_DAO, Role.QUAN_TRI)


@dataclass(frozen=True)
class Answer:
    """May the user do it: allowed, or the reason (in Vietnamese) and its code."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def ensure(self) -> None:
        """Raise the refusal: PermissionDenied for a role (403), ValidationError for the plan's state."""
        if self.allowed:
            return
        if self.code == "role":
            raise PermissionDenied(self.reason)
        raise ValidationError(self.reason, code=self.code)

    def ensure_role(self) -> None:
        """Raise only a refusal for the role (403): a page checks this before showing its form and leaves the state's
        reason to the service, whose refusal the page then shows."""
        if self.code == "role":
            self.ensure()


ALLOWED = Answer(True)


class PlanPolicy:
    """Creating and changing a plan and every part of it (periods, participants, criteria, award rules, tasks)."""

    @staticmethod
    def create(user: User | None, issuer: Unit) -> Answer:
        """Lãnh đạo and quản trị of the issuing unit (or a unit above it) write its plans."""
        if user is None or has_role(user, issuer, *PLAN_EDIT_ROLES):
            return ALLOWED
        return Answer(False, _("Chỉ lãnh đạo hoặc quản trị của đơn vị ban hành được tạo, sửa kế hoạch."), "role")

    @staticmethod
    def create_any(user: User) -> Answer:
        """May the user start a plan at all (the "Tạo kế hoạch" button): lãnh đạo or quản trị somewhere; which
        issuers they may pick is ``create`` per unit."""
        if user.is_superuser or Membership.objects.filter(user=user, role__in=PLAN_EDIT_ROLES).exists():
            return ALLOWED
        return Answer(False, _("Chỉ lãnh đạo hoặc quản trị được tạo kế hoạch."), "role")

    @classmethod
    def edit(cls, user: User | None, plan: Plan) -> Answer:
        """As create, and only while the plan is a draft or in force: a closed plan is reopened first."""
        answer = cls.create(user, plan.issuer)
        if answer and plan.pk and plan.status == Plan.Status.CLOSED:
            return Answer(
                False,
                _("Kế hoạch đã kết thúc nên không sửa được. Chuyển kế hoạch về “Đang triển khai” nếu cần sửa."),
                "closed",
            )
        return answer

    @classmethod
    def change_status(cls, user: User | None, plan: Plan) -> Answer:
        """Moving a plan along draft → active → closed (and back): the role only, a closed plan may be reopened."""
        return cls.create(user, plan.issuer)


class PeriodPolicy:
    """Closing, reopening and recomputing a period of a plan: the issuing unit's leaders decide, its admin runs."""

    @staticmethod
    def close(user: User | None, period: Period) -> Answer:
        """Lãnh đạo or quản trị of the issuing unit (or above) close a period; closing a closed one changes nothing.
        ``None`` is the scheduler (beat) closing at the deadline."""
        if user is None or has_role(user, period.plan.issuer, *PLAN_EDIT_ROLES):
            return ALLOWED
        return Answer(False, _("Chỉ lãnh đạo hoặc quản trị của đơn vị ban hành được chốt đợt thi đua."), "role")

    @staticmethod
    def reopen(user: User, period: Period) -> Answer:
        """Lãnh đạo of the issuing unit reopen a closed period (with a reason, asked by the service)."""
        if not has_role(user, period.plan.issuer, Role.LANH_DAO):
            return Answer(False, _("Chỉ lãnh đạo của đơn vị ban hành được mở lại đợt thi đua."), "role")
        if period.status != Period.Status.CLOSED:
            return Answer(False, _("Đợt thi đua này chưa được chốt."), "state")
        return ALLOWED

    @staticmethod
    def recompute(user: User, period: Period) -> Answer:
        """Quản trị of the issuing unit recompute a closed period's frozen standings."""
        if not has_role(user, period.plan.issuer, Role.QUAN_TRI):
            return Answer(False, _("Chỉ quản trị của đơn vị ban hành được tính lại đợt đã chốt."), "role")
        return ALLOWED
