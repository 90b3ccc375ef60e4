"""Plans and periods named in full (number, year, title cut after the year), the current period first, past plans
in the archive (issue 19, point 5)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Period, Plan
from core.formatting import cut_title
from tests.factories import PeriodFactory, PlanFactory

TAY_HIEU = (
    "Phát động phong trào thi đua “Đẩy mạnh chuyển đổi số - tập trung nâng cao tỷ lệ thực hiện dịch vụ công trực "
    "tuyến toàn trình - tỷ lệ số hóa hồ sơ – tỷ lệ thanh toán trực tuyến năm 2024” trên địa bàn xã Tây Hiếu"
)


def test_a_long_title_is_cut_after_its_year_never_before_it():
    cut = cut_title(TAY_HIEU, 2024)
    assert cut.endswith("năm 2024”…")  # the closing quote belongs to the year's word
    assert "Tây Hiếu" not in cut


def test_a_title_whose_year_comes_early_is_cut_at_a_word_boundary():
    title = (
        "Thi đua năm 2024 về cải cách hành chính, chuyển đổi số và nâng cao chất lượng phục vụ người dân, doanh nghiệp"
    )
    cut = cut_title(title, 2024, limit=40)
    assert cut.startswith("Thi đua năm 2024") and cut.endswith("…")
    assert title.startswith(cut[:-1]) and title[len(cut) - 1] in " ,"  # no word cut in half


def test_a_short_title_is_kept_whole():
    assert cut_title("Thi đua số hóa năm 2025", 2025) == "Thi đua số hóa năm 2025"


def test_a_plan_is_named_by_its_number_its_year_and_its_title():
    plan = Plan(number="45", symbol="KH-UBND", title=TAY_HIEU, start=dt.date(2024, 1, 1))
    assert plan.short_name == "45/KH-UBND năm 2024"
    assert plan.full_name == f"45/KH-UBND năm 2024 — {cut_title(TAY_HIEU, 2024)}"
    assert str(plan) == plan.full_name


def test_a_plan_without_a_number_says_so_instead_of_dots():
    plan = Plan(number="", symbol="KH-UBND", title="Thi đua năm 2026", start=dt.date(2026, 1, 1))
    assert plan.short_name == "Kế hoạch năm 2026 (chưa có số)"
    assert "…/" not in plan.full_name


def test_a_period_is_named_with_its_plan():
    plan = Plan(number="7", symbol="KH-UBND", title="Thi đua", start=dt.date(2026, 1, 1))
    assert Period(plan=plan, name="Đợt 1").full_name == "Đợt 1 · 7/KH-UBND năm 2026"


@pytest.mark.django_db
def test_the_current_period_comes_first_then_those_to_come_then_the_past(org):
    today = timezone.localdate()
    plan = PlanFactory(issuer=org.commune_a, start=dt.date(today.year - 2, 1, 1), end=dt.date(today.year + 1, 12, 31))
    past = PeriodFactory(
        plan=plan, name="Đã qua", start=dt.date(today.year - 2, 1, 1), end=dt.date(today.year - 2, 6, 30)
    )
    older_open = PeriodFactory(
        plan=plan, name="Năm kia", start=dt.date(today.year - 1, 1, 1), end=dt.date(today.year - 1, 6, 30)
    )
    running = PeriodFactory(plan=plan, name="Đang chạy", start=today - dt.timedelta(days=5), end=today)
    coming = PeriodFactory(
        plan=plan, name="Sắp tới", start=today + dt.timedelta(days=1), end=dt.date(today.year + 1, 6, 30)
    )
    past.status = Period.Status.CLOSED
    past.save()
    assert list(Period.objects.filter(plan=plan).current_first()) == [running, coming, older_open, past]


@pytest.mark.django_db
def test_past_plans_leave_the_working_list_for_the_archive_and_a_year_brings_them_back(client, org):
    this_year = timezone.localdate().year
    old = PlanFactory(
        issuer=org.commune_a,
        title="Thi đua năm cũ",
        start=dt.date(this_year - 2, 1, 1),
        end=dt.date(this_year - 2, 11, 30),
        status=Plan.Status.ACTIVE,
    )
    closed = PlanFactory(
        issuer=org.commune_a,
        title="Thi đua đã đóng",
        start=dt.date(this_year, 1, 1),
        end=dt.date(this_year, 3, 31),
        status=Plan.Status.CLOSED,
    )
    current = PlanFactory(
        issuer=org.commune_a,
        title="Thi đua năm nay",
        start=dt.date(this_year, 1, 1),
        end=dt.date(this_year, 12, 31),
        status=Plan.Status.ACTIVE,
    )
    client.force_login(org.staff_a)
    url = reverse("campaigns:plan_list")

    working = client.get(url).content.decode()
    assert current.title in working and old.title not in working and closed.title not in working
    archive = client.get(url, {"xem": "da-ket-thuc"}).content.decode()
    assert "Kế hoạch đã kết thúc" in archive
    assert old.title in archive and closed.title in archive and current.title not in archive
    that_year = client.get(url, {"nam": str(this_year - 2)}).content.decode()
    assert old.title in that_year and current.title not in that_year
    assert re.search(rf'<option value="{this_year - 2}"', working)  # the year filter offers the plans' years
    home = client.get(reverse("home")).content.decode()
    assert current.title in home and old.title not in home


@pytest.mark.django_db
def test_the_plan_page_breadcrumb_names_the_plan_by_number_and_year(client, org):
    plan = PlanFactory(issuer=org.commune_a, number="45", title=TAY_HIEU)
    client.force_login(org.staff_a)
    page = client.get(plan.get_absolute_url()).content.decode()
    crumb = re.search(r'<li class="breadcrumb-item active" aria-current="page">([^<]*)</li>', page)
    assert crumb is not None and crumb.group(1) == "45/KH-UBND năm 2024"
    assert "…/KH-UBND" not in page
