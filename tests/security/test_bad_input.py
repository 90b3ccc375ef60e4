"""Input that used to crash (500) answers 400 with a Vietnamese message: a NUL byte in a search box, a year with
more digits than any integer column holds, a plan file with a 5,001-digit number; and hypothesis throws NUL bytes,
huge integers and huge numbers at every list filter."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards.models import Nomination
from campaigns.models import Plan

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _lists(world) -> list[tuple[str, str, list[str]]]:
    """(user role, list page, its filter parameters): every list page with a search box or a filter."""
    side = world.a
    return [
        ("lanh_dao", reverse("campaigns:unit_list"), ["q"]),
        ("lanh_dao", reverse("campaigns:plan_list"), ["q", "nam", "trang_thai", "loai", "don_vi"]),
        ("lanh_dao", reverse("awards:decision_list"), ["q", "nam", "trang_thai"]),
        ("lanh_dao", reverse("awards:nomination_index"), ["q", "trang_thai", "dot"]),
        ("lanh_dao", reverse("awards:nomination_list", args=[side.period.pk]), ["q", "trang_thai", "loai", "khoi"]),
        ("noi_vu", reverse("awards:home_affairs"), ["q", "ke_hoach", "dot", "trang_thai"]),
        ("noi_vu", reverse("awards:home_affairs_export"), ["q", "ke_hoach", "dot", "trang_thai"]),
        ("lanh_dao", reverse("planning:job_list"), ["q", "trang_thai"]),
        ("lanh_dao", reverse("scoring:standing_index"), ["q"]),
        ("lanh_dao", reverse("scoring:standing_list", args=[side.period.pk]), ["q", "khoi", "loai", "page"]),
        ("nhap_lieu", reverse("scoring:entry_period_list"), ["q"]),
        ("nhap_lieu", reverse("scoring:entry_dashboard", args=[side.period.pk]), ["q", "don_vi", "ky", "trang_thai"]),
    ]


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", ["\x00", "ab\x00cd"], ids=["nul", "nul-inside"])
def test_a_nul_byte_in_a_search_box_is_a_400_with_a_message(world_db, value):
    for role, url, _params in _lists(world_db):
        response = _client(world_db.users[role]).get(url, {"q": value})
        assert response.status_code == HTTPStatus.BAD_REQUEST, url
        assert "Tham số không hợp lệ" in response.content.decode(), url


@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999", "9" * 5001])
def test_a_year_with_too_many_digits_is_a_400_with_a_message(world_db, value):
    for path in (reverse("campaigns:plan_list"), reverse("awards:decision_list")):
        response = _client(world_db.users["lanh_dao"]).get(path, {"nam": value})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "Tham số không hợp lệ" in response.content.decode()


def test_an_ordinary_search_and_year_still_work(world_db):
    response = _client(world_db.users["lanh_dao"]).get(reverse("campaigns:plan_list"), {"q": "Kế hoạch", "nam": 2026})
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "content",
    [
        b"ke_hoach:\n  so: " + b"9" * 5001 + b"\n",
        b"ke_hoach:\n  nam: " + b"1" * 4301 + b"\n",
        b"ke_hoach:\n  ty_le: 1e99999\n",
        b"ke_hoach: " + b"[" * 3000 + b"]" * 3000,
    ],
    ids=["5001-digits", "4301-digits", "huge-float", "deep-nesting"],
)
def test_a_plan_file_with_a_huge_number_or_nesting_is_a_400_with_a_message(world_db, content):
    before = (Plan.objects.count(), Nomination.objects.count())
    response = _client(world_db.users["lanh_dao"]).post(
        reverse("planning:plan_upload"),
        {"file": SimpleUploadedFile("ke-hoach.yaml", content, content_type="application/x-yaml")},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert (Plan.objects.count(), Nomination.objects.count()) == before


HOSTILE_PARAMETER = st.one_of(
    st.sampled_from(["\x00", "a\x00", "9" * 25, "-" + "9" * 30, "9" * 5001, "1e309", "1e-400", "NaN", "-0", "٣٣"]),
    st.integers(min_value=-(2**200), max_value=2**200).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=40),
)


@FUZZ
@given(index=st.integers(min_value=0, max_value=11), value=HOSTILE_PARAMETER, which=st.integers(min_value=0))
def test_every_list_filter_takes_nul_bytes_and_huge_numbers_without_a_server_error(world_db, index, value, which):
    role, url, params = _lists(world_db)[index]
    response = _client(world_db.users[role]).get(url, {params[which % len(params)]: value})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND), (url, value)
