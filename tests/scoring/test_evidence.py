"""Evidence files of readings (minh chứng): who may attach, replace, remove and download them, and what is refused."""

from __future__ import annotations

import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from campaigns.models import Period
from core.uploads import sniff_document_type
from scoring.models import Reading
from scoring.services.readings import attach_evidence, remove_evidence, save_reading
from tests.scoring.entry_fixtures import entry_world

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
LABEL = "Tệp minh chứng (PDF, ảnh, Word, Excel; tối đa 10 MB)"
REFUSED = "Chỉ nhận tệp PDF, ảnh (JPEG, PNG), Word (.docx) hoặc Excel (.xlsx)"


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.fixture
def world(org):
    world = entry_world(org)
    world.reading = save_reading(
        user=org.staff_a,
        participant=world.commune_a,
        indicator=world.on_time,
        period=world.period,
        window_start=world.current.start,
        numerator=45,
        denominator=50,
    )
    return world


def upload(name: str = "Báo cáo tháng.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def url(name: str, reading: Reading) -> str:
    return reverse(f"scoring:{name}", args=[reading.pk])


def grid_url(world) -> str:
    return reverse("scoring:reading_entry", args=[world.period.pk, world.commune_a.pk, world.current.start])


def history_url(world) -> str:
    return reverse(
        "scoring:reading_history", args=[world.period.pk, world.commune_a.pk, world.current.start, world.on_time.pk]
    )


def stored_evidence() -> list[str]:
    found = []

    def walk(folder: str) -> None:
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        found.extend(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    walk("evidence")
    return found


# --- the content check -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpg"),
        (office("word/document.xml"), "docx"),
        (office("xl/workbook.xml"), "xlsx"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),
        (b"<!DOCTYPE html><script>alert(1)</script>", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, None),
        (b"PK\x03\x04broken", None),
        (office("content.xml"), None),
        (b"", None),
    ],
)
def test_the_type_is_judged_by_the_content(content, kind):
    assert sniff_document_type(content) == kind


# --- office staff of the commune ---------------------------------------------------------------------------------


def test_staff_attach_a_file_and_download_it_under_its_own_name(client, org, world):
    client.force_login(org.staff_a)
    response = client.post(url("evidence_upload", world.reading), {"file": upload("../Báo cáo tháng?.pdf")})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == grid_url(world)

    reading = Reading.objects.get(pk=world.reading.pk)
    assert reading.evidence_name == "Báo cáo tháng.pdf"
    assert reading.version == world.reading.version + 1 and reading.entered_by == org.staff_a
    assert reading.evidence.name.startswith("evidence/") and "Báo" not in reading.evidence.name  # a random name
    page = client.get(grid_url(world)).content.decode()
    assert "Đã đính kèm minh chứng “Báo cáo tháng.pdf”" in page
    assert "bi-paperclip" in page and "có minh chứng" in page

    download = client.get(url("evidence_download", reading))
    assert download.status_code == HTTPStatus.OK
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "B%C3%A1o%20c%C3%A1o%20th%C3%A1ng.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"

    panel = client.get(history_url(world), headers={"HX-Request": "true"}).content.decode()
    assert url("evidence_download", reading) in panel and "Báo cáo tháng.pdf" in panel
    assert LABEL in panel and "Gỡ minh chứng" in panel


def test_the_real_type_names_the_extension_of_a_misnamed_image(org, world):
    reading = attach_evidence(user=org.staff_a, reading=world.reading, file=upload("Ảnh chụp biên bản.pdf", PNG))
    assert reading.evidence_name == "Ảnh chụp biên bản.png" and reading.evidence.name.endswith(".png")


@pytest.mark.parametrize("content", [office("word/document.xml"), office("xl/workbook.xml"), JPEG])
def test_word_excel_and_photos_are_accepted(org, world, content):
    reading = attach_evidence(user=org.staff_a, reading=world.reading, file=upload("Tài liệu", content))
    assert reading.evidence and reading.evidence_name.startswith("Tài liệu.")


def test_the_grid_shows_no_paperclip_without_evidence(client, org, world):
    client.force_login(org.staff_a)
    page = client.get(grid_url(world)).content.decode()
    assert "có minh chứng" not in page


# --- refused files: a clear message and nothing changes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Báo cáo.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00this program cannot be run in DOS mode"),
        ("Báo cáo.pdf", b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
    ],
)
def test_a_renamed_program_or_page_is_refused_and_nothing_changes(client, org, world, name, content):
    client.force_login(org.staff_a)
    history_before = Reading.history.filter(id=world.reading.pk).count()
    response = client.post(url("evidence_upload", world.reading), {"file": upload(name, content)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert REFUSED in page and LABEL in page
    reading = Reading.objects.get(pk=world.reading.pk)
    assert not reading.evidence and reading.evidence_name == "" and reading.version == world.reading.version
    assert Reading.history.filter(id=world.reading.pk).count() == history_before
    assert stored_evidence() == []


def test_a_file_above_10_mb_is_refused(client, org, world):
    client.force_login(org.staff_a)
    big = PDF + b"0" * (10 * 1024 * 1024 + 1 - len(PDF))
    response = client.post(url("evidence_upload", world.reading), {"file": upload("Lớn.pdf", big)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Tệp quá lớn (10,0 MB); tối đa 10 MB." in response.content.decode()
    assert not Reading.objects.get(pk=world.reading.pk).evidence
    exactly = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert attach_evidence(user=org.staff_a, reading=world.reading, file=upload("Vừa.pdf", exactly)).evidence


def test_an_upload_without_a_file_comes_back_with_the_form(client, org, world):
    client.force_login(org.staff_a)
    response = client.post(url("evidence_upload", world.reading), {})
    assert response.status_code == HTTPStatus.BAD_REQUEST and LABEL in response.content.decode()


def test_a_reading_of_a_closed_period_takes_no_evidence(client, org, world):
    Period.objects.filter(pk=world.period.pk).update(status=Period.Status.CLOSED)
    client.force_login(org.staff_a)
    response = client.post(url("evidence_upload", world.reading), {"file": upload()})
    assert response.status_code == HTTPStatus.FORBIDDEN
    reading = Reading.objects.get(pk=world.reading.pk)
    with pytest.raises(PermissionDenied, match="Đã chốt kỳ"):
        attach_evidence(user=org.staff_a, reading=reading, file=upload())
    assert not Reading.objects.get(pk=world.reading.pk).evidence
    panel = client.get(history_url(world), headers={"HX-Request": "true"}).content.decode()
    assert LABEL not in panel and "Chưa có tệp minh chứng." in panel


def test_a_sent_window_takes_no_evidence_until_it_is_returned(org, world):
    Reading.objects.filter(pk=world.reading.pk).update(status=Reading.Status.SUBMITTED)
    reading = Reading.objects.get(pk=world.reading.pk)
    with pytest.raises(PermissionDenied, match="Đã được gửi"):
        attach_evidence(user=org.staff_a, reading=reading, file=upload())


# --- a failed upload leaves nothing behind in the storage ---------------------------------------------------------


def media_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def fail_saving_readings(monkeypatch) -> None:
    """The database refuses the reading's row after the file was written (a lock timeout, a lost connection)."""
    save = Reading.save

    def refusing(self, *args, **kwargs):
        if getattr(self, "_change_reason", "") == "Đính kèm minh chứng":
            raise OperationalError("canceling statement due to lock timeout")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Reading, "save", refusing)


def test_an_upload_the_database_refuses_leaves_the_media_directory_unchanged(client, org, world, settings, monkeypatch):
    before = media_files(settings)
    fail_saving_readings(monkeypatch)
    client.force_login(org.staff_a)
    client.raise_request_exception = False
    response = client.post(url("evidence_upload", world.reading), {"file": upload()})
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert media_files(settings) == before
    reading = Reading.objects.get(pk=world.reading.pk)
    assert not reading.evidence and reading.version == world.reading.version


def test_a_failed_replacement_keeps_the_previous_file_and_leaves_no_new_one(org, world, settings, monkeypatch):
    first = attach_evidence(user=org.staff_a, reading=world.reading, file=upload("Bản 1.pdf"))
    before = media_files(settings)
    assert before == [first.evidence.name]
    fail_saving_readings(monkeypatch)
    with pytest.raises(OperationalError):
        attach_evidence(user=org.staff_a, reading=first, file=upload("Bản 2.pdf", PNG))
    assert media_files(settings) == before
    reading = Reading.objects.get(pk=first.pk)
    assert (reading.evidence.name, reading.evidence_name) == (first.evidence.name, "Bản 1.pdf")
    assert default_storage.open(reading.evidence.name).read() == PDF


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_commit_fails_leaves_no_file(org, world, settings, monkeypatch):
    """The database refuses the commit itself (PostgreSQL: a serialization failure): the file goes too."""
    before = media_files(settings)

    def refuse_commit():
        raise OperationalError("could not serialize access due to concurrent update")

    monkeypatch.setattr(connection, "_commit", refuse_commit)
    with pytest.raises(OperationalError):
        attach_evidence(user=org.staff_a, reading=world.reading, file=upload())
    monkeypatch.undo()
    assert media_files(settings) == before
    assert not Reading.objects.get(pk=world.reading.pk).evidence


@pytest.mark.parametrize(
    ("who", "content", "status"),
    [
        ("staff_a", b"MZ\x90\x00not a document", HTTPStatus.BAD_REQUEST),  # refused by content
        ("noi_vu", PDF, HTTPStatus.FORBIDDEN),  # read-only role
        ("staff_b", PDF, HTTPStatus.NOT_FOUND),  # another commune
    ],
)
def test_a_refused_upload_leaves_the_media_directory_unchanged(client, org, world, settings, who, content, status):
    attach_evidence(user=org.staff_a, reading=world.reading, file=upload("Bản 1.pdf"))
    before = media_files(settings)
    client.force_login(getattr(org, who))
    assert (
        client.post(url("evidence_upload", world.reading), {"file": upload("Khác.pdf", content)}).status_code == status
    )
    assert media_files(settings) == before


# --- scope and roles ---------------------------------------------------------------------------------------------


def test_staff_of_commune_b_get_404_for_everything_of_commune_a(client, org, world):
    reading = attach_evidence(user=org.staff_a, reading=world.reading, file=upload())
    client.force_login(org.staff_b)
    assert client.get(url("evidence_download", reading)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(url("evidence_upload", reading), {"file": upload()}).status_code == HTTPStatus.NOT_FOUND
    assert client.post(url("evidence_remove", reading), {"confirm": "on"}).status_code == HTTPStatus.NOT_FOUND
    assert Reading.objects.get(pk=reading.pk).evidence_name == "Báo cáo tháng.pdf"


def test_noi_vu_downloads_evidence_but_may_not_upload_or_remove_it(client, org, world):
    reading = attach_evidence(user=org.staff_a, reading=world.reading, file=upload())
    client.force_login(org.noi_vu)
    download = client.get(url("evidence_download", reading))
    assert download.status_code == HTTPStatus.OK and b"".join(download.streaming_content) == PDF
    assert client.post(url("evidence_upload", reading), {"file": upload("Khác.pdf")}).status_code == 403
    assert client.post(url("evidence_remove", reading), {"confirm": "on"}).status_code == 403
    with pytest.raises(PermissionDenied, match="Nội vụ chỉ được xem"):
        attach_evidence(user=org.noi_vu, reading=reading, file=upload("Khác.pdf"))
    panel = client.get(history_url(world), headers={"HX-Request": "true"}).content.decode()
    assert url("evidence_download", reading) in panel
    assert LABEL not in panel and "Gỡ minh chứng" not in panel
    assert Reading.objects.get(pk=reading.pk).evidence_name == "Báo cáo tháng.pdf"


def test_the_chairman_reads_but_does_not_attach(client, org, world):
    client.force_login(org.chairman_a)
    assert client.post(url("evidence_upload", world.reading), {"file": upload()}).status_code == 403


def test_evidence_is_never_served_from_the_media_url(client, org, world):
    reading = attach_evidence(user=org.staff_a, reading=world.reading, file=upload())
    client.force_login(org.staff_a)
    panel = client.get(history_url(world), headers={"HX-Request": "true"}).content.decode()
    assert reading.evidence.name not in panel and "/media/" not in panel
    assert client.post(url("evidence_download", reading)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- replace, remove, history --------------------------------------------------------------------------------------


def test_replacing_keeps_the_old_file_in_the_history(client, org, world):
    first = attach_evidence(user=org.staff_a, reading=world.reading, file=upload("Bản 1.pdf"))
    old_path = first.evidence.name
    second = attach_evidence(user=org.staff_a, reading=first, file=upload("Bản 2.pdf"))
    assert second.evidence_name == "Bản 2.pdf" and second.version == world.reading.version + 2
    assert default_storage.exists(old_path)

    records = list(Reading.history.filter(id=world.reading.pk).order_by("-history_date", "-history_id"))
    assert [r.history_change_reason for r in records[:2]] == ["Đính kèm minh chứng", "Đính kèm minh chứng"]
    assert records[0].evidence_name == "Bản 2.pdf" and records[1].evidence == old_path
    assert records[0].history_user == org.staff_a

    client.force_login(org.noi_vu)
    panel = client.get(history_url(world), headers={"HX-Request": "true"}).content.decode()
    assert "Lý do: Đính kèm minh chứng" in panel and "Minh chứng: Bản 1.pdf" in panel


def test_removing_asks_for_confirmation_then_detaches_the_file(client, org, world):
    reading = attach_evidence(user=org.staff_a, reading=world.reading, file=upload())
    client.force_login(org.staff_a)
    refused = client.post(url("evidence_remove", reading), {})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Hãy đánh dấu xác nhận trước khi gỡ tệp." in refused.content.decode()
    assert Reading.objects.get(pk=reading.pk).evidence

    response = client.post(url("evidence_remove", reading), {"confirm": "on"})
    assert response.status_code == HTTPStatus.FOUND
    removed = Reading.objects.get(pk=reading.pk)
    assert not removed.evidence and removed.evidence_name == "" and removed.version == reading.version + 1
    assert Reading.history.filter(id=reading.pk).latest("history_id").history_change_reason == "Xóa minh chứng"
    assert client.get(url("evidence_download", removed)).status_code == HTTPStatus.NOT_FOUND
    with pytest.raises(ValidationError, match="chưa có tệp minh chứng"):
        remove_evidence(user=org.staff_a, reading=removed)
