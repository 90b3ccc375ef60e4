"""Who may look at a period's dashboard and draft its report, and why not (shaped like campaigns.policies.PlanPolicy).

The report and the dashboard are the chairman's and Home Affairs' view of a period: lãnh đạo, nội vụ and quản trị of
the plan's issuing unit or a unit above it. Out of scope is the caller's scoped queryset (404); a user in scope with
another role (nhập liệu) is refused here (403), with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from campaigns.models import Plan, Role
from campaigns.permissions import has_role
from campaigns.policies import ALLOWED, Answer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REPORT_ROLES = (Role.LANH_DAO, Role.NOI_VU, Role.QUAN_TRI)


class ReportPolicy:
    """The period dashboard, the period report and the plan's tổng kết."""

    @staticmethod
    def view(user: User, plan: Plan) -> Answer:
        """Lãnh đạo, nội vụ and quản trị of the issuing unit (or a unit above it)."""
        if has_role(user, plan.issuer, *REPORT_ROLES):
            return ALLOWED
        return Answer(
            False,
            _("Chỉ lãnh đạo, nội vụ hoặc quản trị của đơn vị ban hành được xem bảng điều hành và báo cáo đợt thi đua."),
            "role",
        )
