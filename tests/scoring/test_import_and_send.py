"""Issue 19, point 3: an Excel import left every reading in draft with nothing to send them all, its preview skipped
the grid's plausibility warnings and its confirm button sat at the bottom of a very long page. Now the preview shows
the grid's warnings, a summary and the confirmation at the top; "Gửi luôn sau khi ghi" sends every complete window
of the file once written (in the request and in the job); "Gửi tất cả" sends the period's complete drafts."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from campaigns.models import Job, Notice
from scoring.figures import ImportRow
from scoring.models import Reading
from scoring.plausibility import Figures, reading_warnings
from scoring.services.readings import import_warnings, save_reading
from tests.factories import PersonFactory, individual
from tests.scoring.entry_fixtures import entry_world
from tests.scoring.test_entry_views import _url
from tests.scoring.test_excel import _fill, _template, _upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def _stored(world, participant, indicator, window, **figures):
    """A reading of an earlier window as it stands in the database (past windows cannot be saved any more)."""
    return Reading.objects.create(
        participant=participant,
        indicator=indicator,
        period=world.period,
        window_start=window.start,
        window_end=window.end,
        version=1,
        **figures,
    )


def _complete_a_and_half_of_the_person(world) -> dict:
    """Commune A's month complete (three indicators); Trần Thị Hoa's only half (the rate is missing)."""
    return {
        (world.commune_a, world.on_time, world.current): {"H": 45, "I": 50},
        (world.commune_a, world.events, world.current): {"J": 2},
        (world.commune_a, world.report, world.current): {"J": 1},
        (world.person_a, world.report, world.current): {"J": 1},
    }


def _confirm(client, world, preview, **extra):
    data = {"token": preview.context["token"], "rows": len(preview.context["result"].rows), **extra}
    return client.post(reverse("scoring:excel_commit", args=[world.period.pk]), data)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_preview_shows_the_grids_warning_beside_the_row_and_in_the_summary(client, org, world):
    _stored(world, world.commune_a, world.events, world.windows[0], value=Decimal(2))
    _stored(world, world.commune_a, world.events, world.windows[1], value=Decimal(2))
    client.force_login(org.staff_a)
    changes = {(world.commune_a, world.events, world.current): {"J": 50}}
    preview = _upload(client, world, _fill(_template(client, world), world, changes))
    assert preview.status_code == HTTPStatus.OK
    [row] = preview.context["result"].changes
    sentence = "Giá trị 50 khác xa trung bình 2 kỳ trước (2)."
    assert row.warnings == [sentence]
    page = preview.content.decode()
    assert sentence in page and preview.context["warned"] == 1
    assert 'data-count="warnings">1<' in page

    # The grid, once the file is written, says the very same sentence beside the cell.
    _confirm(client, world, preview)
    assert sentence in client.get(_url(world)).content.decode()


def test_import_warnings_read_the_files_earlier_rows_before_the_stored_ones(org, world):
    _stored(world, world.commune_a, world.on_time, world.windows[0], numerator=90, denominator=100)
    _stored(world, world.commune_a, world.on_time, world.windows[1], numerator=90, denominator=100)

    def row(number, window, numerator, denominator, state="changed"):
        return ImportRow(
            row=number,
            participant=world.commune_a,
            indicator=world.on_time,
            window_start=window.start,
            window_label=window.label,
            figures={"numerator": numerator, "denominator": denominator, "value": None},
            reading=None,
            state=state,
        )

    # The file lowers last month to 10/100: this month's 90/100 jumps 80 points from it (the stored 90/100 would not).
    rows = [row(5, world.windows[1], 10, 100), row(6, world.current, 90, 100)]
    assert import_warnings(rows) == 2
    expected = reading_warnings(
        kind="rate",
        current=Figures(90, 100),
        previous=[Figures(10, 100), Figures(90, 100)],
    )
    assert rows[1].warnings == expected and "10,00% → 90,00%" in expected[0]
    assert rows[0].warnings and "90,00% → 10,00%" in rows[0].warnings[0]


def test_the_summary_and_the_sticky_confirmation_come_before_the_rows(client, org, world):
    client.force_login(org.staff_a)
    save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.events,
        period=world.period,
        window_start=world.current.start,
        value=2,
    )
    changes = _complete_a_and_half_of_the_person(world)
    preview = _upload(client, world, _fill(_template(client, world), world, changes))
    page = preview.content.decode()
    counts = {name: preview.context[name] for name in ("warned", "blank")}
    result = preview.context["result"]
    # The template has 3 + 2 rows per month and four months: 20 rows read; 3 to write, 1 unchanged, 16 left blank.
    written = result.count_new + result.count_changed
    assert (result.read, written, result.count_unchanged, result.refused) == (20, 3, 1, 0)
    assert counts == {"warned": 0, "blank": 16}
    for name, shown in (("read", "20"), ("write", "3"), ("unchanged", "1"), ("refused", "0"), ("warnings", "0")):
        assert f'data-count="{name}">{shown}<' in page
    confirm = page.index('id="import-confirm"')
    assert page.index('id="import-summary"') < confirm < page.index('id="import-preview"')
    assert "sticky-top" in page[page.rindex("<form", 0, confirm + 20) : confirm + 200]
    assert 'name="gui_luon"' in page and "Gửi luôn sau khi ghi" in page
    assert 'name="gui_luon" value="1" id="gui_luon" checked' not in page  # off unless ticked


def test_a_file_with_bad_cells_counts_the_refused_rows(client, org, world):
    client.force_login(org.staff_a)
    changes = {
        (world.commune_a, world.events, world.current): {"J": -3},
        (world.commune_a, world.on_time, world.current): {"H": 60, "I": 50},
        (world.commune_a, world.report, world.current): {"J": 1},
    }
    preview = _upload(client, world, _fill(_template(client, world), world, changes))
    assert preview.status_code == HTTPStatus.BAD_REQUEST
    assert preview.context["result"].refused == 2
    page = preview.content.decode()
    assert 'data-count="refused">2<' in page and 'id="import-confirm"' not in page


def test_without_the_option_the_imported_readings_stay_in_draft(client, org, world):
    client.force_login(org.staff_a)
    preview = _upload(client, world, _fill(_template(client, world), world, _complete_a_and_half_of_the_person(world)))
    assert _confirm(client, world, preview).status_code == HTTPStatus.FOUND
    assert set(Reading.objects.values_list("status", flat=True)) == {Reading.Status.DRAFT}


def test_send_at_once_sends_every_complete_window_of_the_file_and_says_what_was_not(client, org, world):
    client.force_login(org.staff_a)
    preview = _upload(client, world, _fill(_template(client, world), world, _complete_a_and_half_of_the_person(world)))
    response = _confirm(client, world, preview, gui_luon="1")
    assert response.status_code == HTTPStatus.FOUND
    statuses = {(r.participant_id, r.indicator_id): r.status for r in Reading.objects.all()}
    assert {statuses[(world.commune_a.pk, i.pk)] for i in (world.on_time, world.events, world.report)} == {"submitted"}
    assert statuses[(world.person_a.pk, world.report.pk)] == "draft"
    said = " ".join(_messages(response))
    assert "Đã gửi 1 kỳ số liệu (3 số liệu)." in said
    assert (
        f"1 kỳ chưa gửi được: Trần Thị Hoa – {world.current.label}: Chưa đủ số liệu, còn thiếu: "
        "Tỷ lệ hồ sơ giải quyết đúng hạn." in said
    )
    # Sent like the grid's "Gửi": the history says so, and the grid is read-only now.
    sent = Reading.objects.get(participant=world.commune_a, indicator=world.events)
    assert sent.history.first().history_change_reason == "Gửi số liệu"
    assert 'name="r' not in client.get(_url(world)).content.decode()


def test_send_at_once_works_on_the_job_path_for_a_big_file(
    client, org, world, settings, django_capture_on_commit_callbacks
):
    settings.READINGS_IMPORT_IN_REQUEST_MAX_ROWS = 2  # the four rows of this file go to the job
    client.force_login(org.staff_a)
    preview = _upload(client, world, _fill(_template(client, world), world, _complete_a_and_half_of_the_person(world)))
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(client, world, preview, gui_luon="1")
    job = Job.objects.get()
    assert response["Location"] == reverse("planning:job_detail", args=[job.pk])
    assert job.state == Job.State.SUCCESS
    assert "Đã gửi 1 kỳ số liệu (3 số liệu)." in job.message and "1 kỳ chưa gửi được" in job.message
    assert "Đã gửi 1 kỳ số liệu" in Notice.objects.get(user=org.staff_a).body
    assert Reading.objects.filter(status="submitted").count() == 3


def _draft_month(world, user, participant, *, complete=True):
    figures = [(world.report, {"value": 1})]
    if complete:
        figures.append((world.on_time, {"numerator": 45, "denominator": 50}))
        if participant.kind == "collective":
            figures.append((world.events, {"value": 2}))
    for indicator, values in figures:
        save_reading(
            user=user,
            participant=participant,
            indicator=indicator,
            period=world.period,
            window_start=world.current.start,
            **values,
        )


def test_send_all_lists_what_goes_and_what_cannot_then_sends_the_complete_drafts(
    client, org, world, django_assert_max_num_queries
):
    _draft_month(world, org.staff_a, world.commune_a)
    _draft_month(world, org.staff_a, world.person_a, complete=False)
    _draft_month(world, org.staff_b, world.commune_b)  # out of staff_a's scope: neither listed nor sent
    newcomer = individual(world.plan, PersonFactory(unit=org.section_a, full_name="Lê Văn Mới"))  # nothing entered
    client.force_login(org.staff_a)

    dashboard = client.get(reverse("scoring:entry_dashboard", args=[world.period.pk])).content.decode()
    url = reverse("scoring:submit_all", args=[world.period.pk])
    assert f'href="{url}"' in dashboard and "Gửi tất cả" in dashboard
    with django_assert_max_num_queries(20):
        page = client.get(url)
    text = page.content.decode()
    assert [item.participant for item, _url in page.context["ready"]] == [world.commune_a]
    # This month: the person's half month, and the newcomer's empty one (still open for entry); not next month's.
    left = {item.participant: item for item, _url in page.context["left"] if item.window == world.current}
    assert set(left) == {world.person_a, newcomer}
    assert left[newcomer].reason == "Chưa nhập số liệu nào." and left[newcomer].drafts == 0
    assert not [item for item, _url in page.context["left"] if item.window == world.future]
    assert "Gửi 1 kỳ (3 số liệu)" in text
    assert "Chưa đủ số liệu, còn thiếu: Tỷ lệ hồ sơ giải quyết đúng hạn." in text
    assert world.commune_b.name not in text
    assert not Reading.objects.filter(status="submitted").exists()  # the GET only asks

    response = client.post(url)
    assert response["Location"] == reverse("scoring:entry_dashboard", args=[world.period.pk])
    said = " ".join(_messages(response))
    assert "Đã gửi 1 kỳ số liệu (3 số liệu)." in said and "kỳ chưa gửi được: Lê Văn Mới – " in said
    submitted = set(Reading.objects.filter(status="submitted").values_list("participant_id", flat=True))
    assert submitted == {world.commune_a.pk}

    again = client.post(url)
    assert "Đã gửi 0 kỳ số liệu" in " ".join(_messages(again))


def test_send_all_is_not_offered_to_a_leader_and_refused_to_nội_vụ(client, org, world):
    client.force_login(org.chairman_a)
    dashboard = client.get(reverse("scoring:entry_dashboard", args=[world.period.pk])).content.decode()
    assert "Gửi tất cả" not in dashboard
    assert client.post(reverse("scoring:submit_all", args=[world.period.pk])).status_code == HTTPStatus.FORBIDDEN
