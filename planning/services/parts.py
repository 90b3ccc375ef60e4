"""One write service per part of a plan: the plan file and the editor pages both build plain rows and call these.

Every guard is inside: who may (``PlanPolicy``: lãnh đạo or quản trị of the issuing unit, the plan not closed),
units and people only from the issuer's own subtree, award kinds only altered by the locality that made them, and
rows already in use never removed (a period with readings, a participant with readings or nominations, a criterion
with readings or scores, a quota rule with nominations, a condition with checks, a document with files): the
whole change is refused with the reason, and nothing is written. Rows are matched by their id (the editor) or by
their stable code (files); only periods, whose number is their name in a file ("Đợt 2"), are matched by position.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, ForeignKey, Model, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.models import AwardKind, Condition, DossierRequirement, Nomination, QuotaRule
from campaigns.models import Group, Participant, Period, Person, Plan, PlanTask, Role, Unit, dates_problem
from campaigns.permissions import has_role
from campaigns.policies import PlanPolicy
from campaigns.services import activation_problems
from core.codes import code_from_name
from core.formatting import history_reason
from planning import selectors
from scoring.models import Criterion, Indicator, Reading

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# Why a row in use stays: one wording, read by these services and by the editor's formsets.
M = TypeVar("M", bound=Model)  # a plan part's model, kept through the shared helpers

CRITERION_IN_USE = gettext_lazy(
    "Không thể xóa tiêu chí «%(name)s» vì đã có số liệu hoặc điểm được tính theo tiêu chí này."
)
QUOTA_RULE_IN_USE = gettext_lazy("Không thể xóa chỉ tiêu «%(name)s» vì đã có đề nghị khen thưởng theo chỉ tiêu này.")
CONDITION_IN_USE = gettext_lazy(
    "Không thể xóa tiêu chuẩn «%(name)s» vì đã được xác nhận cho người, tập thể được đề nghị."
)
DOCUMENT_IN_USE = gettext_lazy("Không thể xóa thành phần hồ sơ «%(name)s» vì đã có tệp được nộp theo thành phần này.")
PERIOD_IN_USE = gettext_lazy("Không thể xóa đợt «%(name)s» vì đã có số liệu hoặc đề nghị khen thưởng.")
PARTICIPANT_IN_USE = gettext_lazy(
    "Không thể bỏ đối tượng «%(name)s» khỏi kế hoạch vì đã có số liệu hoặc đề nghị khen thưởng."
)


class PlanPartError(ValidationError):
    """A plan part was refused; ``messages`` lists every reason (nothing was written). ``rows`` names, for a
    reason about one existing row, that row's id, so an editor shows the reason on the row itself."""

    def __init__(self, message: Any, *args: Any, rows: dict[str, int] | None = None, **kwargs: Any) -> None:
        super().__init__(message, *args, **kwargs)
        self.rows = rows or {}


def outside_issuer(what: str, code: str) -> str:
    """The one refusal for a unit or person outside the issuer's subtree, or unknown: it reveals nothing else."""
    return _("%(what)s «%(code)s» không có trong đơn vị của bạn.") % {"what": what, "code": code}


def units_of(issuer: Unit) -> Any:
    """Units a plan of this issuer may name: the issuer and its subtree."""
    return Unit.objects.filter(path__startswith=issuer.path)


def people_of(issuer: Unit) -> Any:
    """People a plan of this issuer may enrol: those of its units."""
    return Person.objects.filter(unit__path__startswith=issuer.path)


# ---------------------------------------------------------------------------------------------------------------
# Rows


@dataclass
class PlanHeader:
    """The plan's own fields, as typed in the editor or read from a file (its status is not among them)."""

    key: str
    issuer: Unit
    title: str
    start: dt.date
    end: dt.date
    number: str = ""
    symbol: str = "KH-UBND"
    issued_on: dt.date | None = None
    place: str = ""
    kind: str = Plan.Kind.CHUYEN_DE
    frequency: str = Plan.Frequency.MONTHLY
    grace_days: int = 5
    total_points: Decimal = Decimal(100)
    vote_threshold: Decimal = Decimal(70)
    signer_name: str = ""
    signer_title: str = ""
    legal_bases: list[str] = field(default_factory=list)
    purpose: str = ""
    requirements: str = ""
    recipients: list[str] = field(default_factory=list)
    source_note: str = ""


@dataclass
class PeriodRow:
    name: str
    start: dt.date
    end: dt.date
    review_kind: str = Period.ReviewKind.TONG_KET
    dossier_deadline: dt.date | None = None
    status: str = Period.Status.OPEN  # only for a new period: an existing one's status belongs to close/reopen
    pk: int | None = None  # the editor's row of an existing period; a file matches periods by their place


@dataclass
class GroupRow:
    code: str
    name: str
    pk: int | None = None


@dataclass
class CollectiveRow:
    unit: Unit
    name: str
    group: str | None = None


@dataclass
class IndividualRow:
    full_name: str
    unit: Unit
    position: str = ""
    person: Person | None = None  # None: found (or created) by full name within the unit
    group: str | None = None


@dataclass
class CriterionRow:
    code: str
    name: str
    indicator: Indicator
    target: Decimal
    max_points: Decimal
    applies_to: str = Criterion.AppliesTo.BOTH
    comparison: str = Criterion.Comparison.GTE
    worst: Decimal | None = None
    rule: str = Criterion.Rule.THRESHOLD
    bands: list[tuple[Decimal, Decimal]] = field(default_factory=list)
    zero_denominator: str = Criterion.ZeroDenominator.NOT_APPLICABLE
    note: str = ""
    pk: int | None = None

    @classmethod
    def from_criterion(cls, criterion: Criterion) -> CriterionRow:
        return cls(**{f.name: getattr(criterion, f.name) for f in fields(cls)})


@dataclass
class AwardKindRow:
    code: str
    name: str
    level: str
    individual_coefficient: Decimal
    certificate_title: str = "GIẤY KHEN"
    recipients: str = "both"
    collective_multiplier: Decimal = Decimal(2)


@dataclass
class QuotaRow:
    award_kind: AwardKind
    period: int | None = None  # the period's number (order); None: every period
    group: str | None = None  # the group's code; None: the whole plan
    max_collectives: int = 0
    max_individuals: int = 0
    individuals_per_collective: int | None = None
    min_ratio: Decimal = Decimal(0)
    note: str = ""
    pk: int | None = None


@dataclass
class ConditionRow:
    text: str
    applies_to: str = "both"
    code: str = ""  # empty: made from the text
    pk: int | None = None


@dataclass
class DocumentRow:
    code: str
    name: str
    applies_to: str = "both"
    per_nominee: bool = True
    from_council: bool = False
    pk: int | None = None


@dataclass
class TaskRow:
    title: str
    code: str = ""
    lead_unit: Unit | None = None
    executing_units: list[Unit] = field(default_factory=list)
    deadline: dt.date | None = None
    status: str = PlanTask.Status.NOT_STARTED
    progress: str = ""
    progress_percent: int = 0
    pk: int | None = None  # the editor's row of an existing task; a file matches tasks by their place


# ---------------------------------------------------------------------------------------------------------------
# Shared steps


def lock_for_change(plan: Plan, by: User | None) -> Plan:
    """Re-read the plan under its row lock and ask the policy (PermissionDenied for the role, else PlanPartError)."""
    plan = Plan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
    answer = PlanPolicy.edit(by, plan)
    if not answer and answer.code != "role":
        raise PlanPartError([answer.reason])
    answer.ensure()
    return plan


def record(plan: Plan, by: User | None, reason: str) -> None:
    """A row in the plan's history: who changed which part."""
    plan._history_user = by
    plan._change_reason = history_reason(reason)
    plan.save(update_fields=["updated_at"])


def _match(
    existing: dict[Any, M], rows: Sequence[Any], key: Callable[[Any], Any]
) -> tuple[list[tuple[Any, M | None]], list[M]]:
    """Pair each row with its existing object (by id, else by key); return the pairs and the objects left over."""
    by_pk = {obj.pk: obj for obj in existing.values()}
    pairs: list[tuple[Any, M | None]] = []
    used: set[int] = set()
    for row in rows:
        obj = by_pk.get(getattr(row, "pk", None)) if getattr(row, "pk", None) else existing.get(key(row))
        if obj is not None and obj.pk in used:
            obj = None
        if obj is not None:
            used.add(obj.pk)
        pairs.append((row, obj))
    return pairs, [obj for obj in existing.values() if obj.pk not in used]


def _refuse_in_use(removed: Sequence[Model], in_use: dict[int, str], message: Any) -> list[str]:
    return [str(message) % {"name": in_use[obj.pk]} for obj in removed if obj.pk in in_use]


def _delete(objects: Sequence[Model], by: User | None) -> None:
    for obj in objects:
        setattr(obj, "_history_user", by)  # django-simple-history reads it; Model does not declare it
        obj.delete()


def _unchanged(obj: Model, values: dict[str, Any]) -> bool:
    """An existing row that already holds these values (foreign keys compared by id, without a query)."""
    if obj.pk is None:
        return False
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        if isinstance(model_field, ForeignKey):
            if getattr(obj, model_field.attname) != (value.pk if value is not None else None):
                return False
        elif getattr(obj, name) != value:
            return False
    return True


def _save(obj: M, by: User | None, values: dict[str, Any]) -> M:
    """Write the values onto the row with its history; a row that already holds them is left alone (no history)."""
    if _unchanged(obj, values):
        return obj
    for name, value in values.items():
        setattr(obj, name, value)
    setattr(obj, "_history_user", by)  # django-simple-history reads it; Model does not declare it
    obj.save()
    return obj


def _raise(errors: list[str]) -> None:
    if errors:
        raise PlanPartError(errors)


# ---------------------------------------------------------------------------------------------------------------
# Services, one per part


def _pair_by_id_or_place(
    existing: list[M], rows: Sequence[Any], *, by_id: bool
) -> tuple[list[tuple[Any, M | None]], list[M]]:
    """Pair rows with existing objects: by the row's id (the editor: a row without one is new), else by place in
    the list (a file: the n-th row is the n-th object). Returns the pairs and the objects no row names."""
    if by_id:
        by_pk = {obj.pk: obj for obj in existing}
        pairs = [(row, by_pk.get(row.pk) if row.pk is not None else None) for row in rows]
    else:
        pairs = [(row, existing[index] if index < len(existing) else None) for index, row in enumerate(rows)]
    kept = {obj.pk for _row, obj in pairs if obj is not None}
    return pairs, [obj for obj in existing if obj.pk not in kept]


def _park_orders(model: type[Model], objects: Sequence[Model]) -> None:
    """Move kept rows to free order numbers so that renumbering them never meets the (plan, order) constraint."""
    model._default_manager.filter(pk__in=[obj.pk for obj in objects]).update(order=F("order") + 10000)


@transaction.atomic
def save_plan_header(*, plan: Plan | None, header: PlanHeader, by: User | None) -> Plan:
    """Create a plan (a draft) or change an existing plan's own fields. Lãnh đạo or quản trị of the issuing unit
    (of the old and the new one when the issuer changes), never on a closed plan; the end not before the start;
    a plan in force keeps its criteria's points equal to its total. An existing plan keeps its key."""
    PlanPolicy.create(by, header.issuer).ensure()
    if plan is not None and plan.pk:
        plan = lock_for_change(plan, by)
    else:
        if Plan.objects.filter(key=header.key).exists():
            raise PlanPartError([_("Mã kế hoạch «%(key)s» đã được dùng cho một kế hoạch khác.") % {"key": header.key}])
        plan = Plan(key=header.key, status=Plan.Status.DRAFT)
    if problem := dates_problem(header.start, header.end):
        raise PlanPartError([problem])
    plan = _save(plan, by, _values(header, leave=("key",)))
    if plan.status == Plan.Status.ACTIVE and (problems := activation_problems(plan)):
        raise PlanPartError([_("Kế hoạch đang triển khai nên các tiêu chí phải giữ đúng tổng điểm."), *problems])
    return plan


@transaction.atomic
def set_status_from_file(*, plan: Plan, status: str, by: User | None) -> Plan:
    """The status a plan file states, written once its parts are: a plan in force or closed needs its periods and
    its criteria's points adding up to its total (activation_problems); a closed plan is refused before this."""
    plan = lock_for_change(plan, by)
    if status != Plan.Status.DRAFT and (problems := activation_problems(plan)):
        raise PlanPartError(problems)
    if plan.status != status:
        plan = _save(plan, by, {"status": status})
    return plan


@transaction.atomic
def replace_periods(*, plan: Plan, rows: list[PeriodRow], by: User | None, by_id: bool = False) -> list[Period]:
    """The plan's periods in order; a closed period keeps its dates, a period with readings or nominations stays.
    ``by_id``: the editor names each kept period by its id (a removed period never hands its readings to the next
    one); a file names them by place ("Đợt 2" is the second)."""
    plan = lock_for_change(plan, by)
    pairs, removed = _pair_by_id_or_place(list(plan.periods.order_by("order")), rows, by_id=by_id)
    in_use = dict(
        plan.periods.filter(
            Exists(Reading.objects.filter(period=OuterRef("pk")))
            | Exists(Nomination.objects.filter(period=OuterRef("pk")))
        ).values_list("pk", "name")
    )
    rows_of: dict[str, int] = {
        str(PERIOD_IN_USE) % {"name": in_use[period.pk]}: period.pk for period in removed if period.pk in in_use
    }
    for row, period in pairs:
        if (
            period is not None
            and period.status != Period.Status.OPEN
            and (row.start, row.end) != (period.start, period.end)
        ):
            message = _("Đợt %(name)s đã chốt: không thể đổi thời gian; hãy mở lại đợt trước.") % {"name": period.name}
            rows_of[message] = period.pk
    if rows_of:
        raise PlanPartError(list(rows_of), rows=rows_of)
    _delete(removed, by)
    kept = [period for _row, period in pairs if period is not None]
    if any(period.order != order for order, (_row, period) in enumerate(pairs, start=1) if period is not None):
        _park_orders(Period, kept)
        for period in kept:
            period.order += 10000
    saved = []
    for order, (row, period) in enumerate(pairs, start=1):
        values = {
            f.name: getattr(row, f.name)
            for f in fields(row)
            if f.name != "pk" and (f.name != "status" or period is None)
        }
        saved.append(_save(period or Period(plan=plan), by, {**values, "order": order}))
    record(plan, by, "plan:periods")
    return saved


@transaction.atomic
def replace_groups(*, plan: Plan, rows: list[GroupRow], by: User | None) -> dict[str, Group]:
    """The plan's groups (khối) by code; a group that is dropped leaves its participants without a group."""
    plan = lock_for_change(plan, by)
    pairs, removed = _match({group.code: group for group in plan.groups.all()}, rows, lambda row: row.code)
    _delete(removed, by)
    by_code = {}
    try:
        with transaction.atomic():
            for row, group in pairs:  # codes may be swapped between rows: park the kept rows on free codes first
                if group is not None and group.code != row.code:
                    _save(group, by, {"code": f"~{group.pk}"})
            for order, (row, group) in enumerate(pairs, start=1):
                group = _save(group or Group(plan=plan), by, {"code": row.code, "name": row.name, "order": order})
                by_code[group.code] = group
    except IntegrityError as error:
        raise PlanPartError([_("Mã khối bị trùng với một khối khác của kế hoạch.")]) from error
    record(plan, by, "plan:groups")
    return by_code


@transaction.atomic
def replace_participants(
    *, plan: Plan, collectives: list[CollectiveRow], individuals: list[IndividualRow], by: User | None
) -> list[Participant]:
    """Enrol the plan's collectives and individuals, only from the issuer's own units; a participant with readings
    or nominations is never dropped. A person without a code is found by name within the unit, or created there."""
    plan = lock_for_change(plan, by)
    allowed_units = set(units_of(plan.issuer).values_list("pk", flat=True))
    enrolled: list[CollectiveRow | IndividualRow] = [*collectives, *individuals]
    errors = [outside_issuer(_("Đơn vị"), row.unit.code) for row in enrolled if row.unit.pk not in allowed_units]
    errors += [
        outside_issuer(_("Cán bộ"), row.person.code or row.person.full_name)
        for row in individuals
        if row.person is not None and row.person.unit_id not in allowed_units
    ]
    _raise(errors)
    groups = {group.code: group for group in plan.groups.all()}
    existing = {
        (p.kind, p.unit_id if p.kind == Participant.Kind.COLLECTIVE else p.person_id): p
        for p in plan.participants.all()
    }
    kept: list[Participant] = []
    for row in collectives:
        participant = existing.get((Participant.Kind.COLLECTIVE, row.unit.pk)) or Participant(
            plan=plan, kind=Participant.Kind.COLLECTIVE, unit=row.unit
        )
        kept.append(_save(participant, by, {"name": row.name, "group": groups.get(row.group) if row.group else None}))
    for individual in individuals:
        person = individual.person
        if person is None:
            person = Person.objects.filter(full_name=individual.full_name, unit=individual.unit).order_by("pk").first()
            person = person or Person.objects.create(
                full_name=individual.full_name, unit=individual.unit, position=individual.position
            )
        participant = existing.get((Participant.Kind.INDIVIDUAL, person.pk)) or Participant(
            plan=plan, kind=Participant.Kind.INDIVIDUAL, person=person, unit=person.unit
        )
        values = {
            "name": individual.full_name,
            "position": individual.position,
            "group": groups.get(individual.group) if individual.group else None,
        }
        if participant.pk is None:  # the unit enrolled from is kept when the person moves later (home_unit)
            values |= {"unit": person.unit, "unit_name": person.unit.name}
        kept.append(_save(participant, by, values))
    removed = list(plan.participants.exclude(pk__in=[p.pk for p in kept]))
    in_use = dict(
        plan.participants.filter(
            Exists(Reading.objects.filter(participant=OuterRef("pk")))
            | Exists(Nomination.objects.filter(participant=OuterRef("pk")))
        ).values_list("pk", "name")
    )
    _raise(
        _refuse_in_use(
            removed,
            in_use,
            PARTICIPANT_IN_USE,
        )
    )
    _delete(removed, by)
    record(plan, by, "plan:participants")
    return kept


@transaction.atomic
def enrol_participants(
    *, plan: Plan, units: list[Unit], people: list[Person], group: Group | None, by: User | None
) -> tuple[int, int]:
    """Add units (collectives) and people (individuals) to the plan's participants through replace_participants,
    so the same guards hold (only the issuer's own units and people); those already enrolled stay where they are,
    since each participant belongs to at most one group. Returns (added, already there)."""
    plan = lock_for_change(plan, by)
    if group is not None and group.plan_id != plan.pk:
        raise PlanPartError([_("Khối không thuộc kế hoạch này.")])
    current = list(plan.participants.select_related("unit", "person__unit", "group").order_by("pk"))

    def code(participant: Participant) -> str | None:
        return participant.group.code if participant.group else None

    collectives = [
        CollectiveRow(unit=p.home_unit, name=p.name, group=code(p))
        for p in current
        if p.kind == Participant.Kind.COLLECTIVE
    ]
    individuals = [
        IndividualRow(full_name=p.name, unit=p.home_unit, position=p.position, person=p.person, group=code(p))
        for p in current
        if p.kind == Participant.Kind.INDIVIDUAL
    ]
    enrolled_units = {row.unit.pk for row in collectives}
    enrolled_people = {row.person.pk for row in individuals if row.person is not None}
    new_units = [unit for unit in units if unit.pk not in enrolled_units]
    new_people = [person for person in people if person.pk not in enrolled_people]
    group_code = group.code if group is not None else None
    collectives += [CollectiveRow(unit=unit, name=unit.name, group=group_code) for unit in new_units]
    individuals += [
        IndividualRow(full_name=p.full_name, unit=p.unit, position=p.position, person=p, group=group_code)
        for p in new_people
    ]
    replace_participants(plan=plan, collectives=collectives, individuals=individuals, by=by)
    added = len(new_units) + len(new_people)
    return added, len(units) + len(people) - added


@transaction.atomic
def replace_criteria(*, plan: Plan, rows: list[CriterionRow], by: User | None) -> Plan:
    """The plan's criteria; a criterion with readings or scores stays, and a plan in force keeps its criteria's
    maximum points equal to its total. Scores are recomputed after commit (scoring/signals.py)."""
    plan = lock_for_change(plan, by)
    pairs, removed = _match({c.code: c for c in plan.criteria.all()}, rows, lambda row: row.code)
    _raise(
        _refuse_in_use(
            removed,
            selectors.criteria_in_use(plan=plan),
            CRITERION_IN_USE,
        )
    )
    _delete(removed, by)
    try:
        with transaction.atomic():
            for order, (row, criterion) in enumerate(pairs, start=1):
                values = {f.name: getattr(row, f.name) for f in fields(row) if f.name != "pk"}
                _save(criterion or Criterion(plan=plan), by, {**values, "order": order})
    except IntegrityError as error:
        raise PlanPartError([_("Mã tiêu chí bị trùng với một tiêu chí khác của kế hoạch.")]) from error
    if plan.status == Plan.Status.ACTIVE and (problems := activation_problems(plan)):
        raise PlanPartError([_("Kế hoạch đang triển khai nên các tiêu chí phải giữ đúng tổng điểm."), *problems])
    record(plan, by, "rules:criteria")
    return plan


@transaction.atomic
def replace_award_rules(
    *,
    plan: Plan,
    quotas: list[QuotaRow],
    conditions: list[ConditionRow],
    documents: list[DocumentRow],
    by: User | None,
) -> Plan:
    """The plan's quota rules, eligibility conditions and dossier documents, all or nothing; a quota rule with
    nominations, a condition confirmed for a nominee and a document with files stay. Conditions are matched by
    their code (made from the text when a row has none), never by position, so a check keeps its condition."""
    plan = lock_for_change(plan, by)
    periods = {period.order: period for period in plan.periods.all()}
    groups = {group.code: group for group in plan.groups.all()}

    def quota_key(row: QuotaRow) -> tuple[int, int | None, int | None]:
        period, group = periods.get(row.period) if row.period else None, groups.get(row.group) if row.group else None
        return (row.award_kind.pk, period.pk if period else None, group.pk if group else None)

    quota_pairs, quotas_removed = _match(
        {(q.award_kind_id, q.period_id, q.group_id): q for q in plan.quota_rules.all()}, quotas, quota_key
    )
    existing_conditions = {c.code: c for c in plan.conditions.all()}
    taken = {row.code for row in conditions if row.code}
    for row in conditions:
        if not row.code:  # a new line typed in the editor: named from its text
            row.code = code_from_name(row.text, taken)
            taken.add(row.code)
    condition_pairs, conditions_removed = _match(existing_conditions, conditions, lambda row: row.code)
    document_pairs, documents_removed = _match(
        {d.code: d for d in plan.dossier_requirements.all()}, documents, lambda row: row.code
    )
    errors = _refuse_in_use(
        quotas_removed,
        selectors.quota_rules_in_use(plan=plan),
        QUOTA_RULE_IN_USE,
    )
    errors += _refuse_in_use(
        conditions_removed,
        selectors.conditions_in_use(plan=plan),
        CONDITION_IN_USE,
    )
    errors += _refuse_in_use(
        documents_removed,
        selectors.dossier_requirements_in_use(plan=plan),
        DOCUMENT_IN_USE,
    )
    _raise(errors)
    _delete([*quotas_removed, *conditions_removed, *documents_removed], by)
    try:
        with transaction.atomic():
            for row, quota in quota_pairs:
                values = {f.name: getattr(row, f.name) for f in fields(row) if f.name not in ("pk", "period", "group")}
                values["period"] = periods.get(row.period) if row.period else None
                values["group"] = groups.get(row.group) if row.group else None
                _save(quota or QuotaRule(plan=plan), by, values)
            # Codes and orders may be swapped between rows: park the kept rows on free codes first.
            for row, condition in condition_pairs:
                if condition is not None and condition.code != row.code:
                    _save(condition, by, {"code": f"~{condition.pk}"})
            for order, (row, condition) in enumerate(condition_pairs, start=1):
                values = {"code": row.code, "text": row.text, "applies_to": row.applies_to, "order": order}
                _save(condition or Condition(plan=plan), by, values)
            for row, document in document_pairs:
                if document is not None and document.code != row.code:
                    _save(document, by, {"code": f"~{document.pk}"})
            for order, (row, document) in enumerate(document_pairs, start=1):
                values = {f.name: getattr(row, f.name) for f in fields(row) if f.name != "pk"}
                _save(document or DossierRequirement(plan=plan), by, {**values, "order": order})
    except IntegrityError as error:
        raise PlanPartError([_("Mã bị trùng với một dòng khác của kế hoạch.")]) from error
    record(plan, by, "rules:awards")
    return plan


@transaction.atomic
def replace_tasks(*, plan: Plan, rows: list[TaskRow], by: User | None, by_id: bool = False) -> list[PlanTask]:
    """The plan's tasks (nhiệm vụ), in order, naming only the issuer's own units; ``by_id`` as for periods, so a
    task's reported progress stays with it when another task is removed in the editor."""
    plan = lock_for_change(plan, by)
    allowed = set(units_of(plan.issuer).values_list("pk", flat=True))
    named = {unit for row in rows for unit in [row.lead_unit, *row.executing_units] if unit is not None}
    _raise(
        [
            outside_issuer(_("Đơn vị"), unit.code)
            for unit in sorted(named, key=lambda u: u.path)
            if unit.pk not in allowed
        ]
    )
    pairs, removed = _pair_by_id_or_place(list(plan.tasks.order_by("order")), rows, by_id=by_id)
    _delete(removed, by)
    saved = []
    for order, (row, task) in enumerate(pairs, start=1):
        values = {f.name: getattr(row, f.name) for f in fields(row) if f.name not in ("executing_units", "pk")}
        task = _save(task or PlanTask(plan=plan), by, {**values, "order": order})
        task.executing_units.set(row.executing_units)
        saved.append(task)
    record(plan, by, "plan:tasks")
    return saved


# ---------------------------------------------------------------------------------------------------------------
# Award kinds


def award_kind_change_problem(kind: AwardKind, values: dict[str, Any], by: User | None, issuer: Unit) -> str:
    """Why this plan's writer may not give the kind these values ("" when it may): the built-in catalogue is
    read-only to plans; a kind made by a locality is changed only by that locality's lãnh đạo or quản trị (or a
    superuser; from the command line, a plan of that locality), while anyone may name it unchanged."""
    owner = kind.owner
    if owner is None:
        return _("Hình thức «%(code)s» đã có trong danh mục; chỉ cần dùng mã này ở mục quotas.") % {"code": kind.code}
    if all(getattr(kind, name) == value for name, value in values.items()):
        return ""
    if by is None:
        allowed = issuer.path.startswith(owner.path)
    else:
        allowed = by.is_superuser or has_role(by, owner, Role.LANH_DAO, Role.QUAN_TRI)
    if allowed:
        return ""
    return _("Hình thức «%(code)s» do đơn vị khác tạo; chỉ dùng được mã này ở mục quotas, không sửa được.") % {
        "code": kind.code
    }


@transaction.atomic
def save_award_kinds(*, plan: Plan, rows: list[AwardKindRow], by: User | None) -> dict[str, AwardKind]:
    """Create the plan's own forms of commendation (owned by its issuer) or change those its locality owns; the
    catalogue's and another locality's are refused unless named unchanged."""
    plan = lock_for_change(plan, by)
    existing = AwardKind.objects.select_related("owner").in_bulk([row.code for row in rows], field_name="code")
    errors = []
    for row in rows:
        kind = existing.get(row.code)
        if kind is not None and (problem := award_kind_change_problem(kind, _values(row), by, plan.issuer)):
            errors.append(problem)
    _raise(errors)
    return {row.code: _save(existing.get(row.code) or AwardKind(owner=plan.issuer), by, _values(row)) for row in rows}


def _values(row: Any, *, leave: tuple[str, ...] = ("pk",)) -> dict[str, Any]:
    return {f.name: getattr(row, f.name) for f in fields(row) if f.name not in leave}
