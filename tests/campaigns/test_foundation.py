"""The foundation: settings, scope by unit, roles, throttled logins, deploy checks, the demo."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Membership, Person, Plan, Unit
from campaigns.permissions import ensure_role, has_role
from core import formatting
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "HTTPS"}
    }
    clean.update(env)
    code = (
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup(); "
        f"from django.conf import settings as s; print(repr(({expression})))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_settings_default_to_the_embedded_sqlite_and_eager_celery():
    out = _settings_in_subprocess(
        {},
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.LANGUAGE_CODE, s.TIME_ZONE",
    )
    assert out == (
        "('django.db.backends.sqlite3', True, 'django.core.mail.backends.console.EmailBackend', 'vi', "
        "'Asia/Ho_Chi_Minh')"
    )


def test_settings_follow_the_environment():
    out = _settings_in_subprocess(
        {
            "DATABASE_URL": "postgres://u:p@db.example:5432/thidua",
            "REDIS_URL": "redis://cache.example:6379/1",
            "SECRET_KEY": "k" * 60,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "thidua.example.vn",
            "EMAIL_URL": "smtp://mail.example:25",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.CELERY_BROKER_URL, "
        "s.CELERY_TASK_ALWAYS_EAGER, s.ALLOWED_HOSTS, s.EMAIL_HOST, s.SECRET_KEY == 'k' * 60",
    )
    assert out == (
        "('django.db.backends.postgresql', 'db.example', 'redis://cache.example:6379/1', False, "
        "['thidua.example.vn'], 'mail.example', True)"
    )


def test_check_deploy_is_clean_with_production_settings():
    # The suite itself runs with DJANGO_ALLOW_ASYNC_UNSAFE (browser tests); a deployment never does.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        {
            "DEBUG": "false",
            "HTTPS": "true",
            "SECRET_KEY": "p" * 20 + "roduction-secret-from-the-environment-0123456789",
            "ALLOWED_HOSTS": "thidua.example.vn",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env.update({"DEBUG": "false", "HTTPS": "true", "ALLOWED_HOSTS": "thidua.example.vn"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_vietnamese_number_and_date_formats():
    assert formatting.format_percent(92.5) == "92,50%"
    assert formatting.format_number(1234) == "1.234"
    assert formatting.format_number(2_340_000) == "2.340.000"
    assert formatting.short_date(dt.date(2024, 12, 5)) == "05/12/2024"
    assert formatting.official_date(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert formatting.official_date(dt.date(2024, 12, 15)) == "ngày 15 tháng 12 năm 2024"


def test_each_user_sees_exactly_the_subtree_of_their_memberships(org):
    assert set(Unit.objects.in_scope_of(org.staff_a).values_list("code", flat=True)) == {"T-H-A", "T-H-A-VP"}
    assert set(Unit.objects.in_scope_of(org.noi_vu).values_list("code", flat=True)) == {
        "T-H",
        "T-H-PNV",
        "T-H-A",
        "T-H-A-VP",
        "T-H-B",
        "T-H-B-VP",
    }
    assert Unit.objects.in_scope_of(org.noi_vu_tinh).count() == Unit.objects.count()


def test_a_user_with_no_membership_sees_nothing(org):
    loner = UserFactory(username="khong_phan_quyen")
    assert not Unit.objects.in_scope_of(loner).exists()
    PlanFactory(issuer=org.commune_a)
    assert not Plan.objects.visible_to(loner).exists()


def test_roles_are_inherited_down_the_tree_but_not_up(org):
    assert has_role(org.staff_a, org.section_a, "nhap_lieu")
    assert not has_role(org.staff_a, org.district, "nhap_lieu")
    assert has_role(org.noi_vu, org.commune_a, "noi_vu")
    assert not has_role(org.noi_vu, org.commune_a, "nhap_lieu", "lanh_dao", "quan_tri")
    with pytest.raises(Exception, match="không có quyền"):
        ensure_role(org.noi_vu, org.commune_a, "lanh_dao")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_a", HTTPStatus.OK),
        ("chairman_a", HTTPStatus.OK),
        ("noi_vu", HTTPStatus.OK),  # the district's Home Affairs office sees its communes
        ("noi_vu_tinh", HTTPStatus.OK),  # and since 2025 the province's
        ("staff_b", HTTPStatus.NOT_FOUND),  # another commune: the id does not leak
        ("nobody", HTTPStatus.NOT_FOUND),
    ],
)
def test_plan_page_answers_by_scope(client, org, who, expected):
    plan = PlanFactory(issuer=org.commune_a)
    client.force_login(getattr(org, who))
    assert client.get(reverse("campaigns:plan_detail", args=[plan.pk])).status_code == expected


def test_pages_need_a_login(client, org):
    plan = PlanFactory(issuer=org.commune_a)
    response = client.get(reverse("campaigns:plan_detail", args=[plan.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


def test_plan_list_shows_only_plans_in_scope(client, org):
    PlanFactory(issuer=org.commune_a, title="Kế hoạch của xã An Bình")
    PlanFactory(issuer=org.commune_b, title="Kế hoạch của xã Bình Minh")
    client.force_login(org.staff_a)
    page = client.get(reverse("campaigns:plan_list"), {"nam": "2024"}).content.decode()
    assert "Kế hoạch của xã An Bình" in page
    assert "Kế hoạch của xã Bình Minh" not in page


def test_login_logout_and_password_change_pages_speak_vietnamese(client, org):
    page = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in page and 'lang="vi"' in page
    assert client.post(reverse("login"), {"username": "staff_a", "password": "mat-khau-thu-nghiem"}).status_code == 302
    assert "Đổi mật khẩu" in client.get(reverse("password_change")).content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_repeated_failed_logins_are_throttled(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "staff_a", "password": "sai-mat-khau"})
    response = client.post(reverse("login"), {"username": "staff_a", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Tạm khóa đăng nhập" in response.content.decode()


def test_home_affairs_office_is_the_district_before_the_reform_and_the_province_after(org):
    org.district.valid_to = org.phong_noi_vu.valid_to = dt.date(2025, 6, 30)
    org.district.save()
    org.phong_noi_vu.save()
    assert org.section_a.home_affairs_office(dt.date(2024, 5, 1)) == org.phong_noi_vu
    assert org.section_a.home_affairs_office(dt.date(2026, 1, 1)) == org.so_noi_vu


def _demo_counts() -> dict[str, int]:
    from awards.models import Nomination
    from campaigns.models import Job, Notice, Period
    from scoring.models import Reading, Standing

    models = {
        "units": Unit,
        "people": Person,
        "users": get_user_model(),
        "memberships": Membership,
        "plans": Plan,
        "periods": Period,
        "readings": Reading,
        "standings": Standing,
        "nominations": Nomination,
        "jobs": Job,
        "notices": Notice,
    }
    return {name: model.objects.count() for name, model in models.items()}


def test_the_demo_loads_twice_without_duplicating_anything(capsys):
    from awards.models import Nomination
    from campaigns.models import Notice, Period
    from scoring.access import can_edit_reading
    from scoring.windows import window_containing

    call_command("load_demo")
    counts = _demo_counts()
    output = capsys.readouterr().out
    assert "tayhieu.nhaplieu" in output and "thidua@2024" in output
    call_command("load_demo", "--quiet-logins")
    assert _demo_counts() == counts
    tay_hieu = Unit.objects.get(code="NA-TAYHIEU")
    assert Unit.objects.get_parent(tay_hieu).code == "NA-THAIHOA"
    assert Unit.objects.get(code="NT").successor.code == "KH"
    assert counts["plans"] == 6  # the five seed plans and this year's copy of Tây Hiếu's
    assert Plan.objects.filter(key="tay-hieu-2024-chuyen-doi-so", status=Plan.Status.ACTIVE).exists()

    # The seed periods are history: closed by themselves, with their proposals waiting for the chairman.
    seed_period = Period.objects.get(plan__key="tay-hieu-2024-chuyen-doi-so", order=1)
    assert seed_period.status == Period.Status.CLOSED and seed_period.nominations.exists()
    # The live campaign: this year's first period closed, and this month open for the office.
    live = Plan.objects.exclude(key="tay-hieu-2024-chuyen-doi-so").get(issuer=tay_hieu)
    assert live.status == Plan.Status.ACTIVE
    first, current = live.periods.order_by("order")
    assert first.status == Period.Status.CLOSED
    assert Nomination.objects.filter(period=first, status=Nomination.Status.PROPOSED).exists()
    staff = get_user_model().objects.get(username="tayhieu.nhaplieu")
    window = window_containing(current, timezone.localdate())
    if window is not None:  # December: the plan has ended for the year
        participant = live.participants.get(kind="collective", unit__code="NA-TAYHIEU-VP")
        assert can_edit_reading(user=staff, participant=participant, period=current, window_start=window.start).allowed
    assert Notice.objects.filter(user__username="tayhieu.lanhdao", title__contains="đã được chốt").exists()
