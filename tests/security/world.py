"""One of every object kind inside a commune, so every URL of the app can be resolved in and out of a user's scope.

``build_side`` makes, for one commune: an active monthly plan whose period covers today (so the current month's
window is open for entry), a group, a section (collective) and an official (individual), an indicator and criterion,
a draft reading of this month, a standing, the award kind and its quota rule, a condition and dossier requirement,
a proposed nomination with a PDF dossier file, an accepted nomination in a draft decision, a plan task, a failed job
and, for each given user, a notice. Every name carries the side's marker (e.g. "QXAVUNGMOT"), so a page that shows
another commune's data is caught by searching its body for that marker (long enough that no random CSRF token contains
it by chance, which a three-letter marker did). (Indicators are the shared national catalogue,
visible to everyone: their names carry the marker in lower case, which the search ignores.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from api.models import ApiToken
from awards.models import AwardKind, Condition, DossierFile, DossierRequirement, Nomination, QuotaRule
from awards.reference import sync_reference
from awards.services.decisions import create_draft_decision
from campaigns.models import Job, Notice, Person, Plan, PlanTask
from scoring.models import Criterion, Indicator, Reading, ReportProfile, Standing
from scoring.windows import windows_for
from tests.factories import (
    GroupFactory,
    PeriodFactory,
    PlanFactory,
    UserFactory,
    collective,
    individual,
    make_unit,
    member,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def month_start(day: dt.date, shift: int) -> dt.date:
    month = day.month - 1 + shift
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def award_kind() -> AwardKind:
    return AwardKind.objects.get_or_create(
        code="giay-khen-chu-tich-xa",
        defaults={
            "name": "Giấy khen của Chủ tịch Ủy ban nhân dân xã",
            "certificate_title": "GIẤY KHEN",
            "level": "commune",
            "individual_coefficient": Decimal("0.150"),
            "collective_multiplier": Decimal("2"),
        },
    )[0]


def build_side(*, commune, marker: str, staff, chairman, notice_users) -> SimpleNamespace:
    """Every object kind inside `commune`; `marker` is in every name (see the module docstring)."""
    today = timezone.localdate()
    start, end = month_start(today, -2), month_start(today, 2) - dt.timedelta(days=1)
    section = make_unit(f"{commune.code}-SEC", f"Bộ phận Một cửa {marker}", "bo_phan", commune)
    plan = PlanFactory(
        issuer=commune,
        title=f"Kế hoạch thi đua {marker}",
        key=f"ke-hoach-{marker.lower()}",
        start=start,
        end=end,
        status=Plan.Status.ACTIVE,
        frequency="monthly",
        grace_days=5,
    )
    period = PeriodFactory(plan=plan, start=start, end=end, order=1, name=f"Đợt 1 {marker}")
    group = GroupFactory(plan=plan, name=f"Khối {marker}", code=f"khoi-{marker.lower()}")
    indicator = Indicator.objects.create(
        code=f"ho-so-{marker.lower()}",
        name=f"Tỷ lệ hồ sơ đúng hạn {marker.lower()}",
        kind=Indicator.Kind.RATE,
        numerator_label="Số hồ sơ đúng hạn",
        denominator_label="Tổng số hồ sơ",
    )
    criterion = Criterion.objects.create(
        plan=plan,
        indicator=indicator,
        code="tc1",
        order=1,
        name=f"Đúng hạn {marker}",
        target=Decimal(90),
        max_points=Decimal(100),
        rule="linear",
    )
    unit_participant = collective(plan, section, group)
    person = Person.objects.create(full_name=f"Nguyễn Văn {marker}", position="Công chức", unit=section)
    person_participant = individual(plan, person, group)
    windows = windows_for(period)
    window = next(w for w in windows if w.start <= today <= w.end)
    reading = Reading.objects.create(
        participant=unit_participant,
        indicator=indicator,
        period=period,
        window_start=window.start,
        window_end=window.end,
        numerator=45,
        denominator=50,
        entered_by=staff,
        evidence_name=f"Minh chứng {marker}.pdf",
    )
    reading.evidence.save(f"{marker.lower()}-minh-chung.pdf", ContentFile(PDF_BYTES), save=True)
    standing = Standing.objects.create(
        period=period,
        participant=unit_participant,
        group=group,
        rank=1,
        ratio=Decimal(90),
        total_points=Decimal(90),
        max_points=100,
        readings_expected=1,
        readings_present=1,
        name=unit_participant.name,
    )
    kind = award_kind()
    rule = QuotaRule.objects.create(plan=plan, award_kind=kind, max_collectives=2, max_individuals=2)
    condition = Condition.objects.create(plan=plan, text=f"Không vi phạm kỷ luật {marker}")
    requirement = DossierRequirement.objects.create(plan=plan, code="bao-cao", name=f"Báo cáo thành tích {marker}")
    nomination = Nomination.objects.create(
        period=period,
        participant=person_participant,
        award_kind=kind,
        quota_rule=rule,
        rank=1,
        ratio=Decimal(95),
        name=person.full_name,
        position=person.position,
        unit_name=section.name,
    )
    dossier_file = DossierFile(
        nomination=nomination,
        requirement=requirement,
        original_name=f"Báo cáo {marker}.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=staff,
    )
    dossier_file.file.save(f"{marker.lower()}.pdf", ContentFile(PDF_BYTES), save=True)
    accepted = Nomination.objects.create(
        period=period,
        participant=unit_participant,
        award_kind=kind,
        quota_rule=rule,
        status=Nomination.Status.ACCEPTED,
        rank=1,
        ratio=Decimal(90),
        name=unit_participant.name,
        unit_name=commune.name,
    )
    decision = create_draft_decision(period=period, award_kind=kind, by=chairman)
    task = PlanTask.objects.create(plan=plan, title=f"Nhiệm vụ số hóa {marker}", lead_unit=section)
    job = Job.objects.create(
        task="planning.tasks.close_period",
        label=f"Chốt đợt {marker}",
        kwargs={"period_id": period.pk},
        unit=commune,
        started_by=chairman,
        state=Job.State.FAILURE,
        error=f"Lỗi thử {marker}",
    )
    notices = {
        user.pk: Notice.objects.create(user=user, key=f"thu-{marker}", title=f"Thông báo {marker}", url="/thong-bao/")
        for user in notice_users
    }
    report_profile = ReportProfile.objects.create(
        issuer=plan.issuer,
        name=f"Báo cáo một cửa {marker}",
        mapping={"format": "thidua-report-mapping/1", "sheet": "x", "header_row": 1, "unit_column": "A", "columns": {}},
    )
    api_token = ApiToken.objects.create(
        name=f"Kết nối {marker}",
        unit=commune,
        scopes=["read"],
        prefix=f"p{marker.lower()}",
        key_hash="0" * 64,
        account=UserFactory(username=f"api-{marker.lower()}"),
        created_by=chairman,
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    return SimpleNamespace(
        marker=marker,
        commune=commune,
        criterion=criterion,
        api_token=api_token,
        report_profile=report_profile,
        section=section,
        plan=plan,
        period=period,
        group=group,
        indicator=indicator,
        participant=unit_participant,
        person_participant=person_participant,
        window=window,
        reading=reading,
        standing=standing,
        rule=rule,
        condition=condition,
        requirement=requirement,
        nomination=nomination,
        accepted=accepted,
        dossier_file=dossier_file,
        decision=decision,
        task=task,
        job=job,
        notices=notices,
    )


def build_world(org) -> SimpleNamespace:
    """Sides A (the users' own commune), B (a sibling commune) and C (a commune of another district: outside even
    the district Nội vụ's scope)."""
    sync_reference()
    chairman_c = member(org.commune_c, "lanh_dao", "chairman_c", title="Chủ tịch")
    users = {
        "nhap_lieu": org.staff_a,
        "lanh_dao": org.chairman_a,
        "noi_vu": org.noi_vu,
        "quan_tri": org.admin_a,
    }
    everyone = [*users.values(), org.staff_b, org.chairman_b, org.nobody, chairman_c]
    side_a = build_side(
        commune=org.commune_a, marker="QXAVUNGMOT", staff=org.staff_a, chairman=org.chairman_a, notice_users=everyone
    )
    side_b = build_side(
        commune=org.commune_b,
        marker="QXBVUNGHAI",
        staff=org.staff_b,
        chairman=org.chairman_b,
        notice_users=[org.staff_b],
    )
    side_c = build_side(
        commune=org.commune_c, marker="QXCVUNGBA", staff=org.nobody, chairman=chairman_c, notice_users=[org.nobody]
    )
    return SimpleNamespace(org=org, users=users, a=side_a, b=side_b, c=side_c)
