"""Saving the parts of a plan typed in the rules editor: criteria, quota rules, conditions and dossier documents.

Who may: lãnh đạo or quản trị of the issuing unit (or above), while the plan is a draft or in force. Rows already
in use (a criterion with readings or scores, a quota rule with nominations, a condition confirmed for a nominee, a
document with uploaded files) are never deleted. Each save is one transaction and leaves a row in the plan's history
naming who changed which part; saving criteria queues one recompute of the plan's scores (scoring/signals.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from awards import catalogue as award_catalogue
from awards.models import AwardKind
from campaigns.models import Plan, Role
from campaigns.permissions import ensure_role
from campaigns.services import activation_problems
from planning import selectors
from planning.forms import code_from_name
from scoring import catalogue as indicator_catalogue
from scoring.models import Indicator

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import User

EDITABLE_STATUSES = (Plan.Status.DRAFT, Plan.Status.ACTIVE)


def ensure_can_edit_rules(*, user: User, plan: Plan) -> None:
    """PermissionDenied (403) unless the user is lãnh đạo or quản trị of the plan's issuing unit or above it."""
    ensure_role(
        user,
        plan.issuer,
        Role.LANH_DAO,
        Role.QUAN_TRI,
        message=_("Chỉ lãnh đạo hoặc quản trị của đơn vị ban hành được sửa tiêu chí và khen thưởng của kế hoạch."),
    )


def ensure_editable(plan: Plan) -> None:
    """ValidationError when the plan is closed: its rules are what its periods were judged by."""
    if plan.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _(
                "Kế hoạch đã kết thúc nên không sửa được tiêu chí, khen thưởng. Chuyển kế hoạch về "
                "“Đang triển khai” nếu cần sửa."
            )
        )


def ensure_catalogues() -> None:
    """Load the indicator and award-kind catalogues that ship with the project when the database has none yet."""
    if not Indicator.objects.exists():
        indicator_catalogue.sync_indicators()
    if not AwardKind.objects.exists():
        award_catalogue.sync_award_kinds()


def _refuse_in_use(formset: Any, in_use: dict[int, str], message: str) -> None:
    """Check again, inside the transaction, that no row being deleted has come into use since the form was shown."""
    refused = [in_use[form.instance.pk] for form in formset.forms_to_delete() if form.instance.pk in in_use]
    if refused:
        raise ValidationError([message % {"name": name} for name in refused])


def _save_rows(formset: Any, plan: Plan, by: User) -> None:
    """Write one validated inline formset: deletions first (a code may move to a new row), then changes."""
    formset.instance = plan
    instances = formset.save(commit=False)
    for obj in formset.deleted_objects:
        obj._history_user = by
        obj.delete()
    for obj in instances:
        obj.plan = plan
        obj._history_user = by
        obj.save()


def _record(plan: Plan, by: User, reason: str) -> None:
    """A row in the plan's history: who changed which part of its rules."""
    plan._history_user = by
    plan._change_reason = reason
    plan.save(update_fields=["updated_at"])


def _locked(plan: Plan, by: User) -> Plan:
    plan = Plan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
    ensure_can_edit_rules(user=by, plan=plan)
    ensure_editable(plan)
    return plan


@transaction.atomic
def save_criteria(*, plan: Plan, formset: Any, by: User) -> Plan:
    """Save the plan's criteria from a validated formset. A plan in force must keep its criteria's maximum points
    equal to its total; a criterion with readings or scores is not deleted. Scores are recomputed after commit."""
    plan = _locked(plan, by)
    _refuse_in_use(
        formset,
        selectors.criteria_in_use(plan=plan),
        _("Không thể xóa tiêu chí «%(name)s» vì đã có số liệu hoặc điểm được tính theo tiêu chí này."),
    )
    try:
        with transaction.atomic():
            _save_rows(formset, plan, by)
    except IntegrityError as error:
        raise ValidationError(_("Mã tiêu chí bị trùng với một tiêu chí khác của kế hoạch.")) from error
    if plan.status == Plan.Status.ACTIVE:
        problems = activation_problems(plan)
        if problems:
            raise ValidationError([_("Kế hoạch đang triển khai nên các tiêu chí phải giữ đúng tổng điểm."), *problems])
    _record(plan, by, "rules:criteria")
    return plan


@transaction.atomic
def save_award_rules(*, plan: Plan, quotas: Any, conditions: Any, documents: Any, by: User) -> Plan:
    """Save the plan's quota rules, eligibility conditions and dossier documents from validated formsets, all or
    nothing; rows already used by nominations, condition checks or uploaded files are not deleted."""
    plan = _locked(plan, by)
    _refuse_in_use(
        quotas,
        selectors.quota_rules_in_use(plan=plan),
        _("Không thể xóa chỉ tiêu «%(name)s» vì đã có đề nghị khen thưởng theo chỉ tiêu này."),
    )
    _refuse_in_use(
        conditions,
        selectors.conditions_in_use(plan=plan),
        _("Không thể xóa tiêu chuẩn «%(name)s» vì đã được xác nhận cho người, tập thể được đề nghị."),
    )
    _refuse_in_use(
        documents,
        selectors.dossier_requirements_in_use(plan=plan),
        _("Không thể xóa thành phần hồ sơ «%(name)s» vì đã có tệp được nộp theo thành phần này."),
    )
    try:
        with transaction.atomic():
            for formset in (quotas, conditions, documents):
                _save_rows(formset, plan, by)
    except IntegrityError as error:
        raise ValidationError(_("Mã tài liệu hồ sơ bị trùng với một tài liệu khác của kế hoạch.")) from error
    _record(plan, by, "rules:awards")
    return plan


@transaction.atomic
def create_award_kind(
    *,
    plan: Plan,
    by: User,
    name: str,
    level: str,
    recipients: str,
    certificate_title: str,
    individual_coefficient: Decimal,
    collective_multiplier: Decimal,
) -> AwardKind:
    """Add a form of commendation missing from the catalogue, from a plan's award-rules editor.

    The catalogue is shared by every plan (as with a plan file's ``award_kinds``), so a name already in it is refused
    rather than added twice; the code is made from the name. Who may: whoever may edit this plan's rules; the plan's
    history records who added which kind."""
    plan = _locked(plan, by)
    name = " ".join(name.split())
    # Compared in Python: SQLite's iexact folds ASCII letters only ("Giấy" ≠ "GIẤY"); the catalogue is a few rows.
    existing = next(
        (kind for kind in AwardKind.objects.only("name", "level") if kind.name.casefold() == name.casefold()), None
    )
    if existing is not None:
        raise ValidationError(
            {
                "name": _(
                    "Danh mục đã có hình thức «%(name)s» (%(level)s); hãy chọn hình thức này trong bảng chỉ tiêu."
                )
                % {"name": existing.name, "level": existing.get_level_display()}
            }
        )
    code = code_from_name(name, AwardKind.objects.values_list("code", flat=True))
    try:
        with transaction.atomic():
            kind = AwardKind.objects.create(
                code=code,
                name=name,
                level=level,
                recipients=recipients,
                certificate_title=certificate_title,
                individual_coefficient=individual_coefficient,
                collective_multiplier=collective_multiplier,
            )
    except IntegrityError as error:  # the same code taken meanwhile by another editor
        raise ValidationError(
            _("Hình thức vừa được người khác thêm cùng lúc; hãy tải lại trang và kiểm tra danh mục.")
        ) from error
    _record(plan, by, f"rules:award-kind:{kind.code}")
    return kind
