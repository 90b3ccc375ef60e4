"""Recording a reorganisation: several units end on a date and a new or an existing unit succeeds them.

What happens (``merge_units``, one transaction, every refusal before anything is written):

- each merged unit, and every unit below it still in force, ends the day before ``on`` and names the successor;
- their active officials move to the successor from ``on`` (the posting history keeps where they were);
- the roles held on them end, or move to the successor (``memberships``: ``END`` or ``MOVE``, chosen on the preview);
- plans, readings, standings and decisions are not touched: they stay as history under the old names, and the
  successor's people see them because a unit's scope includes its predecessors (``campaigns.models._scope_paths``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Membership, OrgEvent, Person, Unit
from campaigns.org import services
from campaigns.org.policies import OrgPolicy, ensure
from campaigns.services import upsert_unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

END = "end"
MOVE = "move"


@dataclass(frozen=True)
class NewUnit:
    """A successor created by the merge."""

    code: str
    name: str
    kind: str
    parent: Unit
    short_name: str = ""


@dataclass
class MergePlan:
    """What a merge would do: the units that end (with those below them), the officials and roles concerned."""

    units: list[Unit]
    ending: list[Unit] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _subtrees(units: list[Unit]) -> list[Unit]:
    found: dict[int, Unit] = {}
    for unit in units:
        for below in Unit.objects.filter(path__startswith=unit.path):
            found[below.pk] = below
    return sorted(found.values(), key=lambda unit: unit.path)


def plan_merge(
    *, by: User, units: list[Unit], successor: Unit | None, new_successor: NewUnit | None, on: dt.date
) -> MergePlan:
    """Check a merge and list what it would change (nothing is written); ``problems`` lists every refusal."""
    plan = MergePlan(units=units)
    problems = plan.problems
    if not units:
        problems.append(_("Chọn ít nhất một đơn vị bị sáp nhập."))
        return plan
    if (successor is None) == (new_successor is None):
        problems.append(_("Chọn một đơn vị kế thừa có sẵn, hoặc nhập đơn vị kế thừa mới."))
        return plan
    policy = OrgPolicy(by)
    ensure(policy.may_merge(units, successor or (new_successor.parent if new_successor else units[0])))
    if on > timezone.localdate():
        problems.append(_("Ngày sáp nhập không được sau hôm nay: hãy ghi nhận khi quyết định có hiệu lực."))
    last_day = on - dt.timedelta(days=1)
    for unit in units:
        if unit.successor_id:
            problems.append(
                _("Đơn vị %(name)s đã có đơn vị kế thừa %(other)s: một đơn vị chỉ có một đơn vị kế thừa.")
                % {"name": unit.name, "other": unit.successor.name if unit.successor else ""}
            )
        elif unit.valid_to is not None and unit.valid_to < last_day:
            problems.append(
                _("Đơn vị %(name)s đã hết hiệu lực từ %(day)s.")
                % {"name": unit.name, "day": f"{unit.valid_to:%d/%m/%Y}"}
            )
        for other in units:
            if other.pk != unit.pk and unit.path.startswith(other.path):
                problems.append(
                    _("Đơn vị %(inner)s nằm trong %(outer)s: chỉ chọn đơn vị cấp trên.")
                    % {"inner": unit.name, "outer": other.name}
                )
    if successor is not None:
        if any(successor.pk == unit.pk for unit in units):
            problems.append(_("Đơn vị kế thừa không được là một trong các đơn vị bị sáp nhập."))
        elif any(successor.path.startswith(unit.path) for unit in units):
            problems.append(_("Đơn vị kế thừa %(name)s nằm trong đơn vị bị sáp nhập.") % {"name": successor.name})
        elif not successor.is_current(on):
            problems.append(
                _("Đơn vị kế thừa %(name)s không có hiệu lực vào ngày sáp nhập.") % {"name": successor.name}
            )
    elif new_successor is not None:
        if Unit.objects.filter(code=new_successor.code).exists():
            problems.append(_("Mã đơn vị %(code)s đã được dùng.") % {"code": new_successor.code})
        if any(new_successor.parent.path.startswith(unit.path) for unit in units):
            problems.append(_("Đơn vị cấp trên của đơn vị mới nằm trong đơn vị bị sáp nhập."))
        if not policy.manages_unit(new_successor.parent):
            problems.append(_("Đơn vị cấp trên của đơn vị mới nằm ngoài phạm vi quản trị của bạn."))
    plan.ending = [unit for unit in _subtrees(units) if unit.valid_to is None or unit.valid_to >= on]
    plan.people = list(
        Person.objects.filter(unit__in=_subtrees(units), is_active=True)
        .select_related("unit")
        .order_by("unit__path", "full_name")
    )
    plan.memberships = list(
        Membership.objects.filter(unit__in=_subtrees(units))
        .exclude(user=by)
        .select_related("user", "unit")
        .order_by("unit__path", "user__username")
    )
    return plan


@transaction.atomic
def merge_units(
    *,
    by: User,
    units: list[Unit],
    on: dt.date,
    memberships: str,
    successor: Unit | None = None,
    new_successor: NewUnit | None = None,
) -> Unit:
    """Record the merge (see the module docstring); ValidationError listing every problem, nothing written."""
    units = list(Unit.objects.select_for_update().filter(pk__in=[unit.pk for unit in units]).order_by("path"))
    if memberships not in (END, MOVE):
        raise ValidationError(_("Chọn cách xử lý vai trò: kết thúc hoặc chuyển sang đơn vị kế thừa."))
    plan = plan_merge(by=by, units=units, successor=successor, new_successor=new_successor, on=on)
    if plan.problems:
        raise ValidationError(plan.problems)
    if new_successor is not None:
        successor = upsert_unit(
            code=new_successor.code,
            parent=new_successor.parent,
            name=new_successor.name,
            short_name=new_successor.short_name or new_successor.name,
            kind=new_successor.kind,
            valid_from=on,
        )
    assert successor is not None
    last_day = on - dt.timedelta(days=1)
    Unit.objects.filter(pk__in=[unit.pk for unit in plan.ending]).update(valid_to=last_day)
    Unit.objects.filter(pk__in=[unit.pk for unit in plan.ending], successor__isnull=True).update(successor=successor)
    for person in plan.people:
        services.move_person(by=by, person=person, to=successor, on=on, note=_("Sáp nhập đơn vị"))
    for membership in plan.memberships:
        if memberships == MOVE and membership.user.is_active:
            services.grant_role(
                by=by,
                account=membership.user,
                unit=successor,
                role=membership.role,
                title=membership.title,
                is_deputy=membership.is_deputy,
            )
        services.revoke_role(by=by, membership=membership)
    names = ", ".join(unit.name for unit in units)
    detail = _("%(names)s hết hiệu lực từ %(day)s; đơn vị kế thừa: %(successor)s") % {
        "names": names,
        "day": f"{on:%d/%m/%Y}",
        "successor": successor.name,
    }
    services.record(by=by, action=OrgEvent.Action.UNIT_MERGE, unit=successor, detail=detail)
    for unit in units:
        services.record(by=by, action=OrgEvent.Action.UNIT_MERGE, unit=unit, detail=detail)
    return successor
