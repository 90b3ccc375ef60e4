"""State changes of the campaigns app: the org tree, people and logins (idempotent loaders), a plan's status and a
task's progress. A plan and its parts are written only by planning/services/parts.py."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from campaigns.models import Membership, Person, Plan, PlanTask, Unit
from campaigns.permissions import WRITE_ROLES, has_role
from campaigns.policies import PlanPolicy
from core.formatting import format_number

if TYPE_CHECKING:
    from django.contrib.auth.models import User

UNIT_FIELDS = ("name", "short_name", "kind", "is_home_affairs", "valid_from", "valid_to")


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def upsert_unit(
    *,
    code: str,
    parent: Unit | None,
    name: str,
    short_name: str,
    kind: str,
    is_home_affairs: bool = False,
    valid_from: Any = None,
    valid_to: Any = None,
) -> Unit:
    """Create the unit under `parent`, or update it in place (moving it if its parent changed); keyed by code."""
    fields = {
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "is_home_affairs": is_home_affairs,
        "valid_from": _as_date(valid_from),
        "valid_to": _as_date(valid_to),
    }
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        if parent is None:
            return Unit.objects.add_root({"code": code, **fields})
        parent = Unit.objects.get(pk=parent.pk)  # treebeard needs a fresh numchild
        return Unit.objects.add_child(parent, {"code": code, **fields})
    current_parent = Unit.objects.get_parent(unit)
    if (current_parent.pk if current_parent else None) != (parent.pk if parent else None):
        if parent is None:
            last_root = Unit.objects.get_last_root_node()
            assert last_root is not None  # the tree holds at least `unit`
            Unit.objects.move(unit, last_root, pos="last-sibling")
        else:
            Unit.objects.move(unit, Unit.objects.get(pk=parent.pk), pos="last-child")
        unit = Unit.objects.get(pk=unit.pk)
    changed = [field for field, value in fields.items() if getattr(unit, field) != value]
    if changed:
        for field in changed:
            setattr(unit, field, fields[field])
        unit.save(update_fields=changed)
    return unit


@transaction.atomic
def sync_org(*, data: dict[str, Any], password: str | None = None) -> dict[str, int]:
    """Load units, people and logins from a mapping (demo/units.yaml); running it twice changes nothing."""
    counts = {"units": 0, "people": 0, "users": 0}
    successors: list[tuple[str, str]] = []

    def walk(nodes: list[dict[str, Any]], parent: Unit | None) -> None:
        for node in nodes:
            unit = upsert_unit(
                code=node["code"],
                parent=parent,
                name=node["name"],
                short_name=node.get("short_name", node["name"]),
                kind=node["kind"],
                is_home_affairs=node.get("is_home_affairs", False),
                valid_from=node.get("valid_from"),
                valid_to=node.get("valid_to"),
            )
            counts["units"] += 1
            if node.get("successor"):
                successors.append((node["code"], node["successor"]))
            walk(node.get("children", []), unit)

    walk(data.get("units", []), None)
    for code, successor_code in successors:
        Unit.objects.filter(code=code).update(successor=Unit.objects.get(code=successor_code))

    for row in data.get("people", []):
        Person.objects.update_or_create(
            code=row["code"],
            defaults={
                "full_name": row["full_name"],
                "position": row.get("position", ""),
                "unit": Unit.objects.get(code=row["unit"]),
            },
        )
        counts["people"] += 1

    User = get_user_model()
    for row in data.get("users", []):
        # A Vietnamese name reads họ – đệm – tên and does not split into Django's first/last the English way:
        # the whole name goes in first_name so get_full_name() prints it in the right order.
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults={"first_name": row["full_name"], "last_name": ""},
        )
        if created or password or user.first_name != row["full_name"]:
            user.first_name, user.last_name = row["full_name"], ""
            if password:
                user.set_password(password)
            user.is_superuser = user.is_staff = bool(row.get("superuser"))
            user.save()
        if row.get("person"):
            Person.objects.filter(code=row["person"]).update(user=user)
        for membership in row.get("memberships", []):
            Membership.objects.update_or_create(
                user=user,
                unit=Unit.objects.get(code=membership["unit"]),
                role=membership["role"],
                defaults={"title": membership.get("title", ""), "is_deputy": membership.get("is_deputy", False)},
            )
        counts["users"] += 1
    return counts


def activation_problems(plan: Plan) -> list[str]:
    """Why the plan cannot be put into force yet (empty when it can): periods, criteria and points adding up.

    Criteria belong to the scoring app; they are read through the plan's reverse relation so that campaigns
    does not import scoring.
    """
    problems = []
    if not plan.periods.exists():
        problems.append(_("Kế hoạch chưa có đợt thi đua nào."))
    criteria_points = plan.criteria.aggregate(total=Sum("max_points"))["total"]
    if criteria_points is None:
        problems.append(_("Kế hoạch chưa có tiêu chí nào."))
    elif criteria_points != plan.total_points:
        problems.append(
            _("Tổng điểm tối đa của các tiêu chí (%(points)s) phải bằng tổng điểm của kế hoạch (%(total)s).")
            % {"points": format_number(criteria_points, 2), "total": format_number(plan.total_points, 2)}
        )
    return problems


@transaction.atomic
def change_plan_status(*, plan: Plan, to: str, by: User) -> Plan:
    """Move a plan along draft → active → closed (and back where Plan.TRANSITIONS allows); activation needs the
    criteria's points to add up to the plan's total. The history row records who did it."""
    plan = Plan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
    PlanPolicy.change_status(by, plan).ensure()
    if to not in Plan.TRANSITIONS.get(plan.status, set()):
        raise ValidationError(
            _("Không thể chuyển kế hoạch từ “%(from)s” sang “%(to)s”.")
            % {"from": plan.get_status_display(), "to": Plan.Status(to).label if to in Plan.Status.values else to}
        )
    if to == Plan.Status.ACTIVE:
        problems = activation_problems(plan)
        if problems:
            raise ValidationError(problems)
    plan.status = to
    plan._history_user = by
    plan._change_reason = f"status:{to}"
    plan.save(update_fields=["status", "updated_at"])
    return plan


@transaction.atomic
def update_task_progress(*, task: PlanTask, status: str, progress_percent: int, progress: str, by: User) -> PlanTask:
    """The advising or an executing unit (or the plan's leaders) reports a task's progress; kept in its history."""
    task = PlanTask.objects.select_for_update(of=("self",)).select_related("plan__issuer", "lead_unit").get(pk=task.pk)
    units = [task.plan.issuer, *([task.lead_unit] if task.lead_unit else []), *task.executing_units.all()]
    if not any(has_role(by, unit, *WRITE_ROLES) for unit in units):
        raise PermissionDenied(_("Chỉ bộ phận tham mưu, đơn vị thực hiện hoặc lãnh đạo được cập nhật tiến độ."))
    task.status, task.progress = status, progress
    task.progress_percent = 100 if status == PlanTask.Status.DONE else progress_percent
    task._history_user = by
    task.save(update_fields=["status", "progress", "progress_percent"])
    return task
