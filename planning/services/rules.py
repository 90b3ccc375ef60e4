"""The catalogues a plan names, and a new form of commendation added from the award-rules editor.

The editor's rows themselves are saved by the plan-part services (planning/services/parts.py), as a plan file's are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from awards import catalogue as award_catalogue
from awards.models import AwardKind
from campaigns.models import Plan
from core.codes import code_from_name
from planning.services import parts
from scoring import catalogue as indicator_catalogue
from scoring.models import Indicator

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import User


def ensure_catalogues() -> None:
    """Load the indicator and award-kind catalogues that ship with the project when the database has none yet."""
    if not Indicator.objects.exists():
        indicator_catalogue.sync_indicators()
    if not AwardKind.objects.exists():
        award_catalogue.sync_award_kinds()


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
    plan = parts.lock_for_change(plan, by)
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
                owner=plan.issuer,  # the locality's own: only its lãnh đạo or quản trị may change it
            )
    except IntegrityError as error:  # the same code taken meanwhile by another editor
        raise ValidationError(
            _("Hình thức vừa được người khác thêm cùng lúc; hãy tải lại trang và kiểm tra danh mục.")
        ) from error
    parts.record(plan, by, f"rules:award-kind:{kind.code}")
    return kind
