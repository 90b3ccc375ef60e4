"""The plan editor page (header, periods, groups, tasks) and the bulk enrolment write only through the plan-part
services: the same guards and the same Vietnamese reasons as a plan file, nothing written when one part is refused."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from campaigns.models import Participant, Person, Plan, PlanTask
from planning.plan_io import PlanFileError, import_plan
from scoring.models import Reading
from tests.campaigns.test_plan_io import SMALL
from tests.campaigns.test_plan_views import _formset, _plan_post
from tests.factories import PlanFactory, make_unit, member

pytestmark = pytest.mark.django_db

CLOSED_REASON = "Kế hoạch đã kết thúc nên không sửa được. Chuyển kế hoạch về “Đang triển khai” nếu cần sửa."


def _period_rows(plan: Plan, **delete: bool) -> list[dict]:
    return [
        {
            "id": str(p.pk),
            "order": str(p.order),
            "name": p.name,
            "start": f"{p.start:%Y-%m-%d}",
            "end": f"{p.end:%Y-%m-%d}",
            "review_kind": p.review_kind,
            **({"DELETE": "on"} if delete.get(f"p{p.order}") else {}),
        }
        for p in plan.periods.order_by("order")
    ]


def _edit_post(org, plan: Plan, periods: list[dict], **changes) -> dict:
    data = _plan_post(org, key=plan.key, start="2024-01-01", end="2024-12-31", **changes)
    data.update(_formset("periods", periods, initial=plan.periods.count()))
    group = plan.groups.get()
    data.update(
        _formset("groups", [{"id": str(group.pk), "order": "1", "code": group.code, "name": group.name}], initial=1)
    )
    return data


@pytest.fixture
def plan(org) -> Plan:
    return import_plan(text=SMALL.replace("status: active", "status: draft")).plan


def test_removing_a_period_with_readings_in_the_editor_is_refused_with_the_reason_and_changes_nothing(
    client, org, plan
):
    period = plan.periods.get(order=2)
    Reading.objects.create(
        participant=plan.participants.get(),
        indicator=plan.criteria.get(code="so-hoa").indicator,
        period=period,
        window_start=dt.date(2024, 7, 1),
        window_end=dt.date(2024, 7, 31),
        numerator=1,
        denominator=2,
    )
    client.force_login(org.chairman_a)

    response = client.post(
        reverse("planning:plan_edit", args=[plan.pk]),
        _edit_post(org, plan, _period_rows(plan, p2=True), title="Tên mới không được lưu"),
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    reason = "Không thể xóa đợt «Đợt 2» vì đã có số liệu hoặc đề nghị khen thưởng."
    assert page.index("Đợt 2</legend>") < page.index(reason) < page.index('value="Đợt 2"')  # on its own row
    plan.refresh_from_db()
    assert plan.title == "Thi đua chuyển đổi số xã An Bình năm 2024"
    assert list(plan.periods.order_by("order").values_list("pk", "name")) == [
        (plan.periods.get(order=1).pk, "Đợt 1"),
        (period.pk, "Đợt 2"),
    ]
    assert plan.tasks.count() == 0  # the task typed in the same post was not written either


def test_removing_the_middle_period_keeps_the_others_and_their_readings(client, org, plan):
    """Periods typed in the editor are matched by their id, never by their place: the readings of Đợt 2 stay on
    Đợt 2 when Đợt 1 (unused) is removed."""
    second = plan.periods.get(order=2)
    reading = Reading.objects.create(
        participant=plan.participants.get(),
        indicator=plan.criteria.get(code="so-hoa").indicator,
        period=second,
        window_start=dt.date(2024, 7, 1),
        window_end=dt.date(2024, 7, 31),
        numerator=1,
        denominator=2,
    )
    client.force_login(org.chairman_a)

    response = client.post(
        reverse("planning:plan_edit", args=[plan.pk]), _edit_post(org, plan, _period_rows(plan, p1=True))
    )

    assert response.status_code == HTTPStatus.FOUND
    assert list(plan.periods.values_list("pk", "name", "start")) == [(second.pk, "Đợt 2", dt.date(2024, 7, 1))]
    reading.refresh_from_db()
    assert reading.period_id == second.pk


def test_a_closed_plan_cannot_be_edited_in_the_editor_with_the_file_s_message(client, org, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CLOSED)
    client.force_login(org.chairman_a)
    url = reverse("planning:plan_edit", args=[plan.pk])

    shown = client.get(url, follow=True).content.decode()
    posted = client.post(url, _edit_post(org, plan, _period_rows(plan), title="Tên mới"), follow=True)

    assert CLOSED_REASON in shown and CLOSED_REASON in posted.content.decode()
    assert Plan.objects.get(pk=plan.pk).title == "Thi đua chuyển đổi số xã An Bình năm 2024"
    with pytest.raises(PlanFileError) as by_file:
        import_plan(text=SMALL.replace("title: Thi đua", "title: Sửa"), by=org.chairman_a)
    assert by_file.value.errors == [CLOSED_REASON]
    # The plan page offers no edit link for it, only the way back to "Đang triển khai".
    page = client.get(plan.get_absolute_url()).content.decode()
    assert url not in page and reverse("campaigns:plan_status", args=[plan.pk, "active"]) in page


def test_the_editor_writes_header_periods_groups_and_tasks_and_keeps_task_progress(client, org, plan):
    client.force_login(org.chairman_a)
    url = reverse("planning:plan_edit", args=[plan.pk])
    assert client.post(url, _edit_post(org, plan, _period_rows(plan))).status_code == HTTPStatus.FOUND
    task = plan.tasks.get()
    PlanTask.objects.filter(pk=task.pk).update(status=PlanTask.Status.IN_PROGRESS, progress_percent=40)
    data = _edit_post(org, plan, _period_rows(plan), title="Tên mới", total_points="100")
    data.update(
        _formset(
            "tasks",
            [
                {
                    "id": str(task.pk),
                    "order": "1",
                    "code": "1",
                    "title": "Số hóa kết quả (sửa)",
                    "deadline": "2024-11-30",
                    "lead_unit": str(org.section_a.pk),
                    "executing_units": [str(org.section_a.pk)],
                },
                {"order": "2", "code": "2", "title": "Tuyên truyền", "lead_unit": str(org.section_a.pk)},
            ],
            initial=1,
        )
    )

    assert client.post(url, data).status_code == HTTPStatus.FOUND

    plan.refresh_from_db()
    assert plan.title == "Tên mới"
    assert [(t.pk == task.pk, t.title, t.progress_percent) for t in plan.tasks.order_by("order")] == [
        (True, "Số hóa kết quả (sửa)", 40),
        (False, "Tuyên truyền", 0),
    ]
    assert plan.history.first().history_user == org.chairman_a


def test_a_task_naming_a_unit_outside_the_issuer_is_refused_in_the_editor(client, org, plan):
    client.force_login(member(org.district, "quan_tri", "admin_huyen"))
    data = _edit_post(org, plan, _period_rows(plan), title="Không lưu")
    data["tasks-0-lead_unit"] = str(org.section_b.pk)  # the district admin sees it; the plan's issuer does not

    response = client.post(reverse("planning:plan_edit", args=[plan.pk]), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Đơn vị «T-H-B-VP» không có trong đơn vị của bạn." in response.content.decode()
    assert Plan.objects.get(pk=plan.pk).title != "Không lưu"


@pytest.mark.parametrize("mode", ["sections", "officials"])
def test_bulk_add_outside_the_issuer_s_subtree_is_refused_and_enrols_nobody(client, org, mode):
    plan = PlanFactory(issuer=org.commune_a, key="an-binh-bulk")
    Person.objects.create(code="B-001", full_name="Trần Thị Hai", unit=org.section_b)
    client.force_login(member(org.district, "quan_tri", "admin_huyen"))
    url = reverse("planning:participants_bulk_add", args=[plan.pk])

    response = client.post(url, {"mode": mode, "units": [org.commune_b.pk]})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "không có trong đơn vị của bạn" in response.content.decode()
    assert not plan.participants.exists()


def test_bulk_add_of_another_locality_s_unit_reveals_nothing_about_it(client, org):
    plan = PlanFactory(issuer=org.commune_a, key="an-binh-bulk")
    foreign = make_unit("K-X", "Xã Xa Lạ", "xa", make_unit("K", "Tỉnh Khác", "tinh"))
    client.force_login(org.chairman_a)

    response = client.post(
        reverse("planning:participants_bulk_add", args=[plan.pk]), {"mode": "communes", "units": [foreign.pk]}
    )

    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "không có trong đơn vị của bạn" in page and "Xa Lạ" not in page and "K-X" not in page
    assert not Participant.objects.exists()


def test_bulk_add_keeps_those_already_enrolled_in_their_group(client, org):
    plan = PlanFactory(issuer=org.district, key="huyen-bulk")
    group = plan.groups.create(code="xa", name="Các xã", order=1)
    Participant.objects.create(plan=plan, kind="collective", unit=org.commune_a, name="Xã An Bình")
    client.force_login(member(org.district, "quan_tri", "admin_huyen"))

    response = client.post(
        reverse("planning:participants_bulk_add", args=[plan.pk]),
        {"mode": "communes", "units": [org.district.pk], "group": group.pk},
        follow=True,
    )

    assert "Đã thêm 1 đối tượng; 1 đối tượng đã có trong kế hoạch nên giữ nguyên khối." in response.content.decode()
    assert dict(plan.participants.values_list("unit__code", "group__code")) == {"T-H-A": None, "T-H-B": "xa"}


@pytest.mark.parametrize("tasks", [1, 8])
def test_the_editor_page_s_queries_do_not_grow_with_its_rows(client, org, plan, tasks, django_assert_max_num_queries):
    for order in range(1, tasks + 1):
        task = PlanTask.objects.create(plan=plan, order=order, title=f"Nhiệm vụ {order}", lead_unit=org.section_a)
        task.executing_units.set([org.section_a, org.commune_a])
    client.force_login(org.chairman_a)
    with django_assert_max_num_queries(15):  # the same with 1 task or 8
        page = client.get(reverse("planning:plan_edit", args=[plan.pk])).content.decode()
    assert f"Nhiệm vụ {tasks}" in page
    with django_assert_max_num_queries(12):
        client.get(reverse("planning:participants_bulk_add", args=[plan.pk]))
