"""Property-based fuzzing of the imports and the main forms: whatever is typed or uploaded, never a server error,
never a partial write (a refused form or import leaves every row count as it was)."""

from __future__ import annotations

import io

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from awards.models import Nomination
from campaigns.models import Group, Participant, Period, Plan
from scoring.models import Criterion, Reading

FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e309",
        "NaN",
        "Infinity",
        "9" * 40,
        "1,5",
        "1.5",
        "٣",
        "１２",
        "0x10",
        "None",
        "null",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "{{ 7*7 }}",
        "%(name)s",
        "\x00",
        "a\x00b",
        "9" * 25,
        "-" + "9" * 30,
        "9" * 5001,
        "1e99999",
        "-1e-99999",
        str(2**64),
        "\u202e",
        "a" * 5000,
        "../../etc/passwd",
        "${jndi:ldap://x}",
        "🙂",
        "Đ" * 3000,
    ]
)
VALUE = st.one_of(NASTY, TEXT, st.integers(min_value=-(2**70), max_value=2**70).map(str))


def _counts() -> tuple[int, ...]:
    return (
        Reading.objects.count(),
        Plan.objects.count(),
        Period.objects.count(),
        Participant.objects.count(),
        Group.objects.count(),
        Criterion.objects.count(),
        Nomination.objects.count(),
    )


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_login_with_a_very_long_username_is_refused_politely(world_db):
    response = _client(None).post(reverse("login"), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200


@FUZZ
@given(username=VALUE.filter(lambda value: len(value) <= 255), password=VALUE)  # longer: the case above
def test_login_never_fails(world_db, username, password):
    response = _client(None).post(reverse("login"), {"username": username, "password": password})
    assert response.status_code < 500


@FUZZ
@given(numerator=VALUE, denominator=VALUE, note=VALUE, version=VALUE, check_again=VALUE)
def test_reading_entry_never_fails_nor_writes_half(world_db, numerator, denominator, note, version, check_again):
    side = world_db.a
    key = f"r{side.indicator.pk}"
    url = reverse("scoring:reading_entry", args=[side.period.pk, side.participant.pk, side.window.start])
    before = Reading.objects.filter(pk=side.reading.pk).values_list("numerator", "denominator", "version").first()
    response = _client(world_db.org.staff_a).post(
        url,
        {
            f"{key}-numerator": numerator,
            f"{key}-denominator": denominator,
            f"{key}-note": note,
            f"{key}-version": version,
            f"{key}-check_again": check_again,
        },
    )
    assert response.status_code in (302, 400, 409)
    after = Reading.objects.filter(pk=side.reading.pk).values_list("numerator", "denominator", "version").first()
    if response.status_code != 302:
        assert after == before


@FUZZ
@given(reason=VALUE, version=VALUE, confirm=st.sampled_from(["on", "", "yes", "0"]))
def test_reject_reason_never_fails(world_db, reason, version, confirm):
    nomination = world_db.a.nomination
    before = Nomination.objects.filter(pk=nomination.pk).values_list("status", "reject_reason", "version").get()
    response = _client(world_db.org.chairman_a).post(
        reverse("awards:nomination_reject", args=[nomination.pk]),
        {"reason": reason, "version": version, "confirm": confirm},
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        after = Nomination.objects.filter(pk=nomination.pk).values_list("status", "reject_reason", "version").get()
        assert after == before


@FUZZ
@given(reason=VALUE)
def test_reopen_reason_never_fails(world_db, reason):
    period = world_db.a.period
    response = _client(world_db.org.chairman_a).post(
        reverse("planning:period_reopen", args=[period.pk]), {"reason": reason}
    )
    assert response.status_code in (302, 400)
    assert Period.objects.get(pk=period.pk).status == period.status  # an open period stays open


@FUZZ
@given(reason=VALUE, expires_at=VALUE)
def test_unlock_form_never_fails(world_db, reason, expires_at):
    side = world_db.a
    url = reverse("scoring:lock_exception_grant", args=[side.period.pk, side.participant.pk, side.window.start])
    response = _client(world_db.org.chairman_a).post(url, {"reason": reason, "expires_at": expires_at})
    assert response.status_code in (302, 400)


# --- the YAML plan import ------------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT, NASTY, st.dates().map(str)
)
YAML_DOCS = st.recursive(
    st.dictionaries(
        st.sampled_from(
            [
                "ke_hoach",
                "ma",
                "ten",
                "dot",
                "khoi",
                "doi_tuong",
                "tieu_chi",
                "chi_tieu",
                "bat_dau",
                "ket_thuc",
                "don_vi",
                "so",
                "diem",
                "key",
                "title",
                "periods",
            ]
        ),
        SCALARS,
        max_size=6,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


def _upload_plan(client, content: bytes):
    return client.post(
        reverse("planning:plan_upload"),
        {"file": SimpleUploadedFile("ke-hoach.yaml", content, content_type="application/x-yaml")},
    )


@FUZZ
@given(document=YAML_DOCS)
def test_plan_import_of_random_documents_never_fails_nor_writes_half(world_db, document):
    before = _counts()
    response = _upload_plan(_client(world_db.org.chairman_a), yaml.safe_dump(document, allow_unicode=True).encode())
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert _counts() == before


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=2000),
        TEXT.map(lambda text: text.encode("utf-8")),
        st.integers(min_value=1, max_value=3000).map(lambda depth: b"ke_hoach: " + b"[" * depth + b"]" * depth),
    )
)
def test_plan_import_of_random_bytes_never_fails_nor_writes_half(world_db, content):
    before = _counts()
    response = _upload_plan(_client(world_db.org.chairman_a), content)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert _counts() == before


HOSTILE_YAML = {
    "billion-laughs": b"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
    "deep-nesting": b"ke_hoach: " + b"[" * 3000 + b"]" * 3000,
    "python-tag": b"ke_hoach: !!python/object/apply:os.system ['true']\n",
    "xlsx-renamed": b"PK\x03\x04" + b"\0" * 100,
    "nul-byte": b"ke_hoach: a\x00b\n",
    "escape-character": b"ke_hoach: a\x1bb\n",
}


@pytest.mark.parametrize("content", list(HOSTILE_YAML.values()), ids=list(HOSTILE_YAML))
def test_hostile_plan_files_get_a_message_not_a_server_error(world_db, content):
    before = _counts()
    response = _upload_plan(_client(world_db.org.chairman_a), content)
    assert response.status_code == 400
    assert _counts() == before


# --- the Excel readings import -------------------------------------------------------------------------------

CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True),
    TEXT,
    NASTY,
    st.datetimes().map(lambda d: d.replace(microsecond=0)),
    st.booleans(),
)


def _upload_readings(client, period, content: bytes):
    return client.post(
        reverse("scoring:excel_upload", args=[period.pk]), {"file": SimpleUploadedFile("so-lieu.xlsx", content)}
    )


@FUZZ
@given(rows=st.lists(st.lists(CELL, max_size=8), max_size=12), sheet=st.sampled_from(["Số liệu", "Sheet1", "x"]))
def test_readings_import_of_random_workbooks_never_fails_nor_writes(world_db, rows, sheet):
    workbook = openpyxl.Workbook()
    workbook.active.title = sheet
    for values in rows:
        # openpyxl itself refuses control characters in cells, so a workbook cannot carry them
        workbook.active.append(
            [ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values]
        )
    out = io.BytesIO()
    workbook.save(out)
    before = _counts()
    response = _upload_readings(_client(world_db.org.staff_a), world_db.a.period, out.getvalue())
    assert response.status_code in (200, 400)  # the upload only previews; nothing is written before the commit
    assert _counts() == before


@FUZZ
@given(content=st.binary(max_size=3000))
def test_readings_import_of_random_bytes_never_fails(world_db, content):
    before = _counts()
    response = _upload_readings(_client(world_db.org.staff_a), world_db.a.period, content)
    assert response.status_code == 400
    assert _counts() == before
