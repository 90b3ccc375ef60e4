"""The entry grid, its history panel and the office dashboard, as office staff, leaders and Nội vụ see them."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Period
from scoring.models import LockException, Reading, Standing
from scoring.services.readings import save_reading
from tests.factories import collective, make_unit
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def _url(world, name="scoring:reading_entry", participant=None, window=None, *extra):
    participant = participant or world.commune_a
    return reverse(name, args=[world.period.pk, participant.pk, (window or world.current).start, *extra])


def _post_data(world, on_time=("45", "50"), events="2", report="1", versions=None, **extra):
    versions = versions or {}
    data = {
        f"r{world.on_time.pk}-numerator": on_time[0],
        f"r{world.on_time.pk}-denominator": on_time[1],
        f"r{world.on_time.pk}-version": versions.get("on_time", 0),
        f"r{world.events.pk}-value": events,
        f"r{world.events.pk}-version": versions.get("events", 0),
        f"r{world.report.pk}-value": report,
        f"r{world.report.pk}-version": versions.get("report", 0),
    }
    data.update(extra)
    return data


def test_the_grid_shows_each_criterion_with_its_target_and_labelled_inputs(client, org, world):
    client.force_login(org.staff_a)
    response = client.get(_url(world))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Giải quyết hồ sơ đúng hạn" in page and "Chỉ tiêu ≥ 95,00%" in page
    assert "Chỉ tiêu ≥ 2 buổi" in page
    assert f'name="r{world.on_time.pk}-numerator"' in page
    assert f'for="id_r{world.on_time.pk}-numerator"' in page
    assert "Gửi số liệu tháng" in page and "js/entry.js" in page
    assert "<script>" not in page  # no inline script under the CSP


def test_the_history_buttons_are_in_the_tab_order_with_a_vietnamese_name(client, org, world):
    """Keyboard users reach each row's history (the browser journey presses Tab and Enter on it)."""
    client.force_login(org.staff_a)
    page = client.get(_url(world)).content.decode()
    assert 'aria-label="Lịch sử số liệu: Tỷ lệ hồ sơ giải quyết đúng hạn"' in page
    assert 'tabindex="-1"' not in page


def test_an_individual_sees_only_the_criteria_that_apply_to_individuals(client, org, world):
    client.force_login(org.staff_a)
    page = client.get(_url(world, participant=world.person_a)).content.decode()
    assert "Tổ chức tuyên truyền" not in page and "Báo cáo đúng hạn" in page


def test_saving_the_grid_keeps_a_draft_and_recomputes_the_participant(client, org, world):
    client.force_login(org.staff_a)
    response = client.post(_url(world), _post_data(world))
    assert response.status_code == HTTPStatus.FOUND
    readings = {r.indicator_id: r for r in Reading.objects.all()}
    assert (readings[world.on_time.pk].numerator, readings[world.on_time.pk].denominator) == (45, 50)
    assert readings[world.report.pk].value == 1
    assert {r.status for r in readings.values()} == {"draft"}
    assert Standing.objects.filter(participant=world.commune_a, period=world.period).exists()
    page = client.get(_url(world)).content.decode()
    assert "Đã lưu nháp 3 số liệu." in page and "90,00%" in page


def test_invalid_figures_rerender_with_400_vietnamese_errors_and_nothing_saved(client, org, world):
    client.force_login(org.staff_a)
    response = client.post(_url(world), _post_data(world, on_time=("51", "50"), events="abc"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "Giá trị phải là số nguyên không âm, đang có “abc”." in page
    assert not Reading.objects.exists()
    response = client.post(_url(world), _post_data(world, on_time=("51", "50")))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Tử số (51) không được lớn hơn mẫu số (50)." in response.content.decode()
    assert not Reading.objects.exists()


def test_a_concurrent_change_shows_the_other_persons_value_and_keeps_theirs(client, org, world):
    save_reading(
        user=org.admin_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=7,
    )
    client.force_login(org.staff_a)
    response = client.post(_url(world), _post_data(world, events="3"))  # the page was opened before: version 0
    assert response.status_code == HTTPStatus.CONFLICT
    page = response.content.decode()
    assert "Xung đột khi lưu" in page and "Số liệu hiện tại của người khác: <strong>7</strong>" in page
    assert Reading.objects.count() == 1 and Reading.objects.get().value == 7
    # Saving again (the page now carries the current version) overrides on purpose.
    again = client.post(_url(world), _post_data(world, events="3", versions={"events": 1}))
    assert again.status_code == HTTPStatus.FOUND
    assert Reading.objects.get(indicator=world.events).value == 3


def test_soft_warnings_are_shown_beside_the_cell_and_do_not_block(client, org, world):
    last = world.windows[1]
    Reading.objects.create(
        participant=world.commune_a,
        indicator=world.on_time,
        period=world.period,
        window_start=last.start,
        window_end=last.end,
        numerator=95,
        denominator=100,
    )
    client.force_login(org.staff_a)
    assert client.post(_url(world), _post_data(world, on_time=("20", "100"))).status_code == HTTPStatus.FOUND
    page = client.get(_url(world)).content.decode()
    assert "Tỷ lệ thay đổi 75,00 điểm phần trăm so với kỳ trước" in page
    assert "95/100" in page  # the previous window's value beside the cell


def test_submit_is_enabled_only_when_complete_and_makes_the_month_read_only(client, org, world):
    client.force_login(org.staff_a)
    client.post(_url(world), _post_data(world, report=""))
    page = client.get(_url(world)).content.decode()
    assert "disabled" in page.split("Gửi số liệu tháng")[0].rsplit("<button", 1)[1]
    response = client.post(_url(world, "scoring:reading_submit"))
    assert response.status_code == HTTPStatus.FOUND
    assert not Reading.objects.filter(status="submitted").exists()
    client.post(_url(world), _post_data(world, report="0"))  # zero is a value, not a gap
    client.post(_url(world, "scoring:reading_submit"))
    assert set(Reading.objects.values_list("status", flat=True)) == {"submitted"}
    page = client.get(_url(world)).content.decode()
    assert "Đã được gửi/phê duyệt" in page and f'name="r{world.on_time.pk}-numerator"' not in page
    assert client.post(_url(world), _post_data(world)).status_code == HTTPStatus.FORBIDDEN


def test_the_leader_returns_a_sent_month_with_a_reason(client, org, world):
    client.force_login(org.staff_a)
    client.post(_url(world), _post_data(world))
    client.post(_url(world, "scoring:reading_submit"))
    client.force_login(org.chairman_a)
    page = client.get(_url(world)).content.decode()
    assert "Trả lại số liệu để sửa" in page
    assert client.post(_url(world, "scoring:reading_return"), {"reason": ""}).status_code == HTTPStatus.BAD_REQUEST
    client.post(_url(world, "scoring:reading_return"), {"reason": "Kiểm tra lại số hồ sơ"})
    assert set(Reading.objects.values_list("status", flat=True)) == {"draft"}


def test_the_leader_grants_a_lock_exception_on_an_expired_window(client, org, world):
    client.force_login(org.chairman_a)
    assert "Mở khóa nhập số liệu quá hạn" in client.get(_url(world, window=world.expired)).content.decode()
    assert "Mở khóa nhập số liệu quá hạn" not in client.get(_url(world)).content.decode()
    url = _url(world, "scoring:lock_exception_grant", window=world.expired)
    until = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url, {"reason": "", "expires_at": until}).status_code == HTTPStatus.BAD_REQUEST
    assert client.post(url, {"reason": "Bổ sung số liệu", "expires_at": until}).status_code == HTTPStatus.FOUND
    assert LockException.objects.get().unit == org.commune_a
    client.force_login(org.staff_a)
    page = client.get(_url(world, window=world.expired)).content.decode()
    assert f'name="r{world.on_time.pk}-numerator"' in page and "Đang mở khóa nhập đến" in page
    client.force_login(org.staff_a)
    assert client.post(url, {"reason": "Tự mở", "expires_at": until}).status_code == HTTPStatus.FORBIDDEN


def test_an_expired_window_is_read_only_with_the_reason(client, org, world):
    client.force_login(org.staff_a)
    page = client.get(_url(world, window=world.expired)).content.decode()
    assert "Đã hết hạn nhập" in page and "Lưu nháp" not in page
    assert client.post(_url(world, window=world.expired), _post_data(world)).status_code == HTTPStatus.FORBIDDEN


def test_home_affairs_sees_no_inputs_nor_buttons_and_its_posts_are_refused(client, org, world):
    save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=4,
    )
    client.force_login(org.noi_vu)
    response = client.get(_url(world))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "<input" not in page.split('id="entry-grid"')[1].split("</table>")[0]
    assert "Lưu nháp" not in page and "Gửi số liệu tháng" not in page and "Trả lại" not in page
    assert "Nội vụ chỉ được xem" in page
    for name in (
        "scoring:reading_entry",
        "scoring:reading_submit",
        "scoring:reading_return",
        "scoring:lock_exception_grant",
    ):
        assert client.post(_url(world, name), _post_data(world, reason="x")).status_code == HTTPStatus.FORBIDDEN
    assert Reading.objects.get().value == 4


def test_staff_of_commune_a_cannot_read_or_write_commune_b(client, org, world):
    save_reading(
        user=org.staff_b,
        participant=world.commune_b,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=4,
    )
    client.force_login(org.staff_a)
    for name in ("scoring:reading_entry", "scoring:reading_submit"):
        assert client.get(_url(world, name, participant=world.commune_b)).status_code in (
            HTTPStatus.NOT_FOUND,
            HTTPStatus.METHOD_NOT_ALLOWED,
        )
        assert (
            client.post(_url(world, name, participant=world.commune_b), _post_data(world)).status_code
            == HTTPStatus.NOT_FOUND
        )
    history = _url(world, "scoring:reading_history", world.commune_b, None, world.events.pk)
    assert client.get(history).status_code == HTTPStatus.NOT_FOUND
    assert Reading.objects.get().value == 4


def test_the_history_panel_lists_every_change_with_its_author(client, org, world):
    for value in (3, 5):
        save_reading(
            user=org.staff_a,
            participant=world.commune_a,
            indicator=world.events,
            period=world.period,
            window_start=world.current.start,
            value=value,
        )
    client.force_login(org.staff_a)
    response = client.get(_url(world, "scoring:reading_history", None, None, world.events.pk), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK and "<html" not in page
    assert page.count("staff_a") == 2 and "Tạo mới" in page and "Sửa" in page
    assert client.get(_url(world, "scoring:reading_history", None, None, 999999)).status_code == HTTPStatus.NOT_FOUND


def test_the_dashboard_counts_missing_draft_and_sent_in_the_users_scope(client, org, world):
    save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=0,
    )
    client.force_login(org.staff_a)
    response = client.get(reverse("scoring:entry_dashboard", args=[world.period.pk]))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Xã An Bình" in page and "Xã Bình Minh" not in page
    assert "2 thiếu" in page and "1 nháp" in page
    assert _url(world) in page
    assert (
        client.get(reverse("scoring:entry_dashboard", args=[world.period.pk]), {"q": "Hoa"})
        .content.decode()
        .count("Xã An Bình")
        == 0
    )
    client.force_login(org.nobody)
    assert client.get(reverse("scoring:entry_dashboard", args=[world.period.pk])).status_code == HTTPStatus.NOT_FOUND


def test_a_closed_period_shows_every_reading_locked_on_the_dashboard_and_the_grid(client, org, world):
    save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=3,
    )
    world.period.status = Period.Status.CLOSED
    world.period.save()
    client.force_login(org.staff_a)
    page = client.get(reverse("scoring:entry_dashboard", args=[world.period.pk])).content.decode()
    assert "1 khóa" in page and "1 nháp" not in page
    grid = client.get(_url(world)).content.decode()
    assert "Đã khóa (chốt kỳ)" in grid and 'name="r' not in grid


def test_the_dashboard_runs_a_bounded_number_of_queries(client, org, world, django_assert_max_num_queries):
    for index in range(40):
        unit = make_unit(f"T-H-X{index}", f"Xã Số {index}", "xa", org.district)
        collective(world.plan, unit)
    client.force_login(org.noi_vu)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("scoring:entry_dashboard", args=[world.period.pk]))
    assert response.status_code == HTTPStatus.OK and "Trang 1/2" in response.content.decode()


def test_the_period_list_links_to_the_dashboards(client, org, world):
    client.force_login(org.staff_a)
    page = client.get(reverse("scoring:entry_period_list")).content.decode()
    assert reverse("scoring:entry_dashboard", args=[world.period.pk]) in page
    client.force_login(org.nobody)
    assert "Không có đợt thi đua nào" in client.get(reverse("scoring:entry_period_list")).content.decode()
