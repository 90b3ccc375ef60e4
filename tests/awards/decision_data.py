"""Test data for decisions: a commune plan, a period and accepted nominations built directly (no quota engine)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from awards.models import AwardKind, Nomination
from awards.reference import sync_reference
from campaigns.models import Person, Unit
from tests.factories import PeriodFactory, PlanFactory, collective, individual

PLAN_TITLE = (
    "Phát động phong trào thi đua “Đẩy mạnh chuyển đổi số - tập trung nâng cao tỷ lệ thực hiện dịch vụ công trực "
    "tuyến toàn trình - tỷ lệ số hóa hồ sơ – tỷ lệ thanh toán trực tuyến năm 2024” trên địa bàn xã An Bình"
)
INDIVIDUALS = [
    ("Nguyễn Thị Hương", "Công chức Văn phòng – Thống kê", "Hoàn thành xuất sắc; 100% hồ sơ trực tuyến đúng hạn"),
    ("Đặng Văn Đức", "Công chức Tư pháp – Hộ tịch", "Tỷ lệ số hóa kết quả giải quyết đạt 98,50%"),
]


def giay_khen_xa() -> AwardKind:
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


def accepted_batch(
    org,
    *,
    issuer: Unit | None = None,
    plan_issued: dt.date = dt.date(2024, 2, 5),
    individuals=None,
    with_collective: bool = True,
):
    """A plan of the commune, its first period and accepted nominations: one collective and two individuals."""
    sync_reference()
    issuer = issuer or org.commune_a
    section = org.section_a if issuer.pk == org.commune_a.pk else org.section_b
    plan = PlanFactory(issuer=issuer, title=PLAN_TITLE, number="12", issued_on=plan_issued)
    period = PeriodFactory(plan=plan, name="Đợt 1", review_kind="so_ket")
    award = giay_khen_xa()
    nominations = []
    if with_collective:
        participant = collective(plan, section)
        nominations.append(
            Nomination.objects.create(
                period=period,
                participant=participant,
                award_kind=award,
                status="accepted",
                rank=1,
                name=section.name,
                unit_name=issuer.name,
                achievement="Dẫn đầu khối về tỷ lệ hồ sơ trực tuyến toàn trình",
            )
        )
    for rank, (name, position, achievement) in enumerate(individuals or INDIVIDUALS, start=1):
        person = Person.objects.create(full_name=name, position=position, unit=section)
        participant = individual(plan, person)
        nominations.append(
            Nomination.objects.create(
                period=period,
                participant=participant,
                award_kind=award,
                status="accepted",
                rank=rank,
                name=name,
                position=position,
                unit_name=section.name,
                achievement=achievement,
            )
        )
    return period, award, nominations


PAPER_REASON = "Chủ tịch đã ký bản giấy ngày đó; văn thư nhập lại trên hệ thống"


def on_paper(draft) -> dict:
    """Sign on the draft's planned date (a past date), with the reason the signing service asks for."""
    draft.refresh_from_db()
    return {"signed_on": draft.signed_on, "date_reason": PAPER_REASON} if draft.signed_on else {}
