"""The API (issue 22): tokens issued by quản trị (hashed, shown once, expiring, revocable, scoped to a subtree),
reads with the pages' scope and ranks, and the readings batch with the Excel import's checks, all or nothing,
idempotent by the client's key, in the audit history under the token's name."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, BatchWrite, Scope
from api.services import issue_token, revoke_token
from campaigns.models import OrgEvent
from scoring.models import Reading
from scoring.selectors import standings_for
from scoring.services.scores import recompute_participants
from tests.factories import member
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    return entry_world(org)


def _issue(org, scopes=(Scope.READ,), unit=None, days=30, by=None):
    return issue_token(
        by=by or org.admin_a,
        name="Hệ thống một cửa",
        unit=unit or org.commune_a,
        scopes=list(scopes),
        expires_on=timezone.localdate() + dt.timedelta(days=days),
    )


def _get(client, key, url, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {key}")


def _batch(client, key, period, rows, idempotency="lo-1"):
    return client.post(
        reverse("api:period-readings-batch", args=[period.pk]),
        data=json.dumps({"readings": rows}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_IDEMPOTENCY_KEY=idempotency,
    )


# --- tokens ----------------------------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_only_as_a_hash(client, org):
    client.force_login(org.admin_a)
    response = client.post(
        reverse("api:token_new"),
        {
            "name": "Kho dữ liệu tỉnh",
            "unit": org.commune_a.pk,
            "scopes": [Scope.READ],
            "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key in response.content.decode() and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert key not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert token.key_hash and token.prefix in key
    # the list never shows it again
    assert key not in client.get(reverse("api:token_list")).content.decode()
    # the org audit log, read by the quản trị above, says who issued what
    assert OrgEvent.objects.filter(actor=org.admin_a, unit=org.commune_a, detail__contains="Kho dữ liệu tỉnh").exists()


def test_a_quan_tri_issues_tokens_only_inside_its_subtree(client, org):
    client.force_login(org.admin_a)
    response = client.post(
        reverse("api:token_new"),
        {
            "name": "Thử",
            "unit": org.commune_b.pk,
            "scopes": [Scope.READ],
            "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 400  # commune B is not offered
    assert not ApiToken.objects.exists()
    client.force_login(org.staff_a)
    assert client.get(reverse("api:token_new")).status_code == 403


@pytest.mark.parametrize(
    ("days", "scopes", "message"),
    [(0, [Scope.READ], "sau hôm nay"), (400, [Scope.READ], "tối đa một năm"), (30, [], "ít nhất một quyền")],
)
def test_bad_token_requests_are_refused_in_vietnamese(client, org, days, scopes, message):
    client.force_login(org.admin_a)
    response = client.post(
        reverse("api:token_new"),
        {
            "name": "Thử",
            "unit": org.commune_a.pk,
            "scopes": scopes,
            "expires_on": (timezone.localdate() + dt.timedelta(days=days)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_wrong_revoked_and_expired_keys_answer_401(client, org, world):
    token, key = _issue(org)
    url = reverse("api:plan-list")
    assert _get(client, key, url).status_code == 200
    assert client.get(url).status_code == 401  # no key, no session
    wrong = key[:-4] + "abcd"
    response = _get(client, wrong, url)
    assert response.status_code == 401 and "Khóa API không đúng" in response.json()["detail"]
    assert ApiToken.objects.get().last_used_at is not None

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert _get(client, key, url).status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert _get(client, key, url).status_code == 200
    revoke_token(by=org.admin_a, token=token)
    assert _get(client, key, url).status_code == 401


def test_revoking_asks_first_and_is_logged(client, org):
    token, _key = _issue(org)
    client.force_login(org.admin_a)
    page = client.get(reverse("api:token_revoke", args=[token.pk]))
    assert "Thu hồi khóa “Hệ thống một cửa”?" in page.content.decode()
    assert ApiToken.objects.get().revoked_at is None  # the GET only asks
    client.post(reverse("api:token_revoke", args=[token.pk]))
    assert ApiToken.objects.get().revoked_at is not None
    assert OrgEvent.objects.filter(detail__contains="Thu hồi khóa API").exists()


def test_a_token_account_cannot_log_in_with_a_password(client, org):
    token, key = _issue(org)
    assert not token.account.has_usable_password()
    response = client.post(reverse("login"), {"username": token.account.username, "password": key})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


# --- reads -----------------------------------------------------------------------------------------------------------


def test_reads_stay_inside_the_tokens_subtree(client, org, world):
    _token, key = _issue(org)
    names = {row["name"] for row in _get(client, key, reverse("api:participant-list")).json()["results"]}
    assert world.commune_a.name in names and world.person_a.name in names
    assert world.commune_b.name not in names
    assert _get(client, key, reverse("api:participant-detail", args=[world.commune_b.pk])).status_code == 404
    # ?unit= narrows to a subtree by the unit's code
    section = _get(client, key, reverse("api:participant-list"), unit=org.section_a.code).json()["results"]
    assert [row["name"] for row in section] == [world.person_a.name]


def test_standings_carry_the_ranks_the_page_shows(client, org, world):
    _token, key = _issue(org, unit=org.district, by=member(org.district, "quan_tri", "admin_h"))
    Reading.objects.create(
        participant=world.commune_a,
        indicator=world.on_time,
        period=world.period,
        window_start=world.current.start,
        window_end=world.current.end,
        numerator=95,
        denominator=100,
    )
    recompute_participants(period=world.period, participants=[world.commune_a, world.commune_b, world.person_a])
    body = _get(client, key, reverse("api:period-standings", args=[world.period.pk]), kind="collective").json()
    api = {row["name"]: (row["rank"], row["list_size"], row["total_points"]) for row in body["results"]}
    page = {
        standing.name: (standing.rank, standing.list_size, f"{standing.total_points:.2f}")
        for standing in standings_for(period=world.period, user=org.noi_vu, kind="collective")
    }
    assert api == page
    assert api[world.commune_a.name][:2] == (1, 2)  # ranked among the 2 collectives, never with individuals


def test_bad_filters_answer_400_in_vietnamese(client, org, world):
    _token, key = _issue(org)
    response = _get(client, key, reverse("api:period-standings", args=[world.period.pk]), kind="ca-nhan")
    assert response.status_code == 400 and "collective" in response.json()["kind"][0]
    assert _get(client, key, reverse("api:reading-list"), updated_since="hôm qua").status_code == 400


# --- the readings batch ----------------------------------------------------------------------------------------------


def _rows(world, numerator=90, denominator=100):
    return [
        {
            "participant": world.commune_a.pk,
            "indicator": world.on_time.code,
            "window_start": world.current.start.isoformat(),
            "numerator": numerator,
            "denominator": denominator,
        },
        {
            "participant": world.commune_a.pk,
            "indicator": world.events.code,
            "window_start": world.current.start.isoformat(),
            "value": 3,
        },
    ]


def test_a_batch_writes_with_history_under_the_tokens_name_and_the_standings_follow(client, org, world):
    token, key = _issue(org, scopes=(Scope.WRITE_READINGS,))
    response = _batch(client, key, world.period, _rows(world))
    assert response.status_code == 200, response.content
    assert response.json() == {"written": 2, "new": 2, "changed": 0, "unchanged": 0, "errors": []}
    reading = Reading.objects.get(participant=world.commune_a, indicator=world.on_time)
    assert (reading.numerator, reading.denominator, reading.entered_by) == (90, 100, token.account)
    history = reading.history.get()
    assert history.history_change_reason == "API: Hệ thống một cửa"
    assert history.history_user.get_full_name() == "Hệ thống một cửa"
    # the round trip: an integration pushes the month, then reads the standings back
    read_key = _issue(org, scopes=(Scope.READ,))[1]
    body = _get(client, read_key, reverse("api:period-standings", args=[world.period.pk]), kind="collective").json()
    row = next(r for r in body["results"] if r["participant"] == world.commune_a.pk)
    assert row["rank"] == 1 and row["total_points"] != "0.00"


def test_the_same_key_replays_and_writes_nothing_twice(client, org, world):
    _token, key = _issue(org, scopes=(Scope.WRITE_READINGS,))
    first = _batch(client, key, world.period, _rows(world))
    again = _batch(client, key, world.period, _rows(world))
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Reading.history.count() == 2
    other = _batch(client, key, world.period, _rows(world, numerator=80))
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]
    assert Reading.objects.get(indicator=world.on_time).numerator == 90
    assert BatchWrite.objects.count() == 1


def test_a_bad_row_refuses_the_whole_batch_with_its_index_and_reason(client, org, world):
    _token, key = _issue(org, scopes=(Scope.WRITE_READINGS,))
    rows = [
        *_rows(world),
        {
            "participant": world.commune_b.pk,  # another commune: looks like it does not exist
            "indicator": world.on_time.code,
            "window_start": world.current.start.isoformat(),
            "numerator": 1,
            "denominator": 2,
        },
        {
            "participant": world.commune_a.pk,
            "indicator": world.on_time.code,
            "window_start": world.expired.start.isoformat(),  # past its deadline
            "numerator": 1,
            "denominator": 2,
        },
    ]
    response = _batch(client, key, world.period, rows)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(error["index"], error["field"]) for error in errors] == [(2, "participant"), (3, "numerator")]
    assert "ngoài phạm vi của bạn" in errors[0]["message"]
    assert "Đã hết hạn nhập" in errors[1]["message"] or "hết hạn" in errors[1]["message"]
    assert not Reading.objects.exists() and not BatchWrite.objects.exists()
    # fixed and sent again under the same key: written
    assert _batch(client, key, world.period, _rows(world)).status_code == 200


def test_the_figures_are_checked_like_the_excel_import(client, org, world):
    _token, key = _issue(org, scopes=(Scope.WRITE_READINGS,))
    response = _batch(client, key, world.period, _rows(world, numerator=120, denominator=100))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "numerator"
    negative = _batch(client, key, world.period, _rows(world, numerator=-1), idempotency="lo-2")
    assert negative.status_code == 400  # not a whole number ≥ 0: refused before anything is judged
    assert not Reading.objects.exists()


def test_a_reading_changed_since_it_was_read_is_a_conflict(client, org, world):
    _token, key = _issue(org, scopes=(Scope.WRITE_READINGS,))
    assert _batch(client, key, world.period, _rows(world)).status_code == 200
    rows = _rows(world, numerator=70)
    rows[0]["version"] = 0  # the client read it before it existed
    response = _batch(client, key, world.period, rows, idempotency="lo-2")
    assert response.status_code == 409 and "vừa được" in response.json()["detail"]
    assert Reading.objects.get(indicator=world.on_time).numerator == 90


def test_a_read_token_cannot_write_and_nothing_is_written(client, org, world):
    _token, key = _issue(org, scopes=(Scope.READ,))
    response = _batch(client, key, world.period, _rows(world))
    assert response.status_code == 403 and "Khóa API không có quyền này" in response.json()["detail"]
    assert not Reading.objects.exists()


def test_the_browser_session_writes_with_the_persons_roles(client, org, world):
    client.force_login(org.chairman_a)  # lãnh đạo reviews, does not type
    response = client.post(
        reverse("api:period-readings-batch", args=[world.period.pk]),
        data=json.dumps({"readings": _rows(world)}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 403 and "không được nhập số liệu" in response.json()["detail"]
    client.force_login(org.staff_a)
    response = client.post(
        reverse("api:period-readings-batch", args=[world.period.pk]),
        data=json.dumps({"readings": _rows(world)}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 200
    assert Reading.objects.get(indicator=world.on_time).entered_by == org.staff_a


def test_the_schema_validates_and_its_page_opens(client, org):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    client.force_login(org.staff_a)
    assert client.get(reverse("api:docs")).status_code == 200
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    assert "/api/v1/periods/{id}/readings/batch/" in schema["paths"]
