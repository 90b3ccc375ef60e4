"""Ký số pages: the PDF to sign, the upload (bad files refused with 400 and nothing changed), the report on the
decision page, the signed file served by the download, re-verification, trust anchors; scope and roles."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Decision, DigitalSignature, TrustAnchor
from awards.services import digital_signature as service
from tests.awards.signing_data import ORGANISATION_NAME, SIGNER_NAME, approved_decision, sign_both, test_pki
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pki():
    return test_pki()


@pytest.fixture
def province_admin(org):
    return member(org.province, "quan_tri", "admin_tinh")


@pytest.fixture
def decision(org, pki, province_admin):
    service.add_trust_anchor(by=province_admin, content=pki.root.certificate_pem(), is_test=True)
    service.add_trust_anchor(by=province_admin, content=pki.intermediate.certificate_pem(), is_test=True)
    return approved_decision(org)


def as_user(client, user):
    client.force_login(user)
    return client


def upload(client, decision, content: bytes, name: str = "da-ky.pdf"):
    return client.post(
        reverse("awards:decision_digital_upload", args=[decision.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def download_to_sign(client, decision) -> bytes:
    client.post(reverse("awards:decision_digital_prepare", args=[decision.pk]))
    response = client.get(reverse("awards:decision_digital_download", args=[decision.pk]))
    assert response.status_code == HTTPStatus.OK and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def test_the_journey_download_sign_upload_report(client, org, decision, pki, django_assert_max_num_queries):
    client = as_user(client, org.staff_a)
    detail = client.get(decision.get_absolute_url()).content.decode()
    assert "Chưa ký số" in detail and "chưa phải chữ ký số" in detail and "Ký số quyết định" in detail
    content = download_to_sign(client, decision)
    record = DigitalSignature.objects.get(decision=decision)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("awards:decision_digital_sign", args=[decision.pk])).content.decode()
    assert record.unsigned_sha256 == hashlib.sha256(content).hexdigest() and record.unsigned_sha256 in page
    signed = sign_both(content, pki)
    response = upload(client, decision, signed)
    assert response.status_code == HTTPStatus.FOUND
    with django_assert_max_num_queries(14):
        detail = client.get(decision.get_absolute_url()).content.decode()
    assert "Đã ký số" in detail and SIGNER_NAME in detail and ORGANISATION_NAME in detail
    assert "THỬ NGHIỆM – không có giá trị pháp lý" in detail  # the demo/test CA is marked as such
    assert "Chuỗi chứng thư đến chứng thư tin cậy" in detail
    served = client.get(reverse("awards:decision_pdf", args=[decision.pk]))
    assert b"".join(served.streaming_content) == signed
    response = client.post(reverse("awards:decision_digital_reverify", args=[decision.pk]), follow=True)
    assert "chữ ký số hợp lệ" in response.content.decode()


def test_a_bad_file_is_refused_with_400_and_nothing_changes(client, org, decision):
    client = as_user(client, org.chairman_a)
    content = download_to_sign(client, decision)
    before = Decision.objects.get(pk=decision.pk).pdf_sha256
    response = upload(client, decision, b"\x89PNG\r\n\x1a\n an image", name="chu-ky.png")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "không phải là tệp PDF" in response.content.decode()
    response = upload(client, decision, content)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "chưa có chữ ký số" in response.content.decode()
    assert Decision.objects.get(pk=decision.pk).pdf_sha256 == before
    assert not DigitalSignature.objects.get(decision=decision).is_signed


def test_scope_and_roles(client, org, decision):
    client = as_user(client, org.chairman_b)  # another commune: the decision does not exist for him
    for name in ["decision_digital_sign", "decision_digital_download", "decision_digital_prepare"]:
        assert client.get(reverse(f"awards:{name}", args=[decision.pk])).status_code in (
            HTTPStatus.NOT_FOUND,
            HTTPStatus.METHOD_NOT_ALLOWED,
        )
    assert client.post(reverse("awards:decision_digital_prepare", args=[decision.pk])).status_code == 404
    client = as_user(client, org.noi_vu)  # reads the decision and its report, acts on nothing
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Chữ ký số" in page and "Ký số quyết định" not in page
    assert client.get(reverse("awards:decision_digital_sign", args=[decision.pk])).status_code == 403
    assert upload(client, decision, b"%PDF-1.7").status_code == 403
    assert not DigitalSignature.objects.exists()


def test_trust_anchors_page(client, org, pki, province_admin, django_assert_max_num_queries):
    url = reverse("awards:trust_anchors")
    assert as_user(client, org.admin_a).get(url).status_code == HTTPStatus.FORBIDDEN
    client = as_user(client, province_admin)
    response = client.post(url, {"file": SimpleUploadedFile("ca.cer", pki.root.certificate_pem())})
    assert response.status_code == HTTPStatus.FOUND
    response = client.post(url, {"file": SimpleUploadedFile("nguoi-ky.cer", pki.signer.certificate_pem())})
    assert response.status_code == HTTPStatus.BAD_REQUEST and "không phải của tổ chức" in response.content.decode()
    service.add_trust_anchor(by=province_admin, content=pki.intermediate.certificate_pem())
    with django_assert_max_num_queries(8):  # one query for the list, whatever its length
        page = client.get(url).content.decode()
    assert "CA thử nghiệm Thi đua" in page and "Gốc" in page and "Trung gian" in page
    anchor = TrustAnchor.objects.get(is_root=True)
    client.post(reverse("awards:trust_anchor_toggle", args=[anchor.pk]))
    assert TrustAnchor.objects.get(is_root=True).active is False


def test_the_downloaded_decision_validates_with_pyhanko_against_the_test_root(client, org, decision, pki, tmp_path):
    client = as_user(client, org.chairman_a)
    assert upload(client, decision, sign_both(download_to_sign(client, decision), pki)).status_code == 302
    downloaded = tmp_path / "quyet-dinh.pdf"
    downloaded.write_bytes(b"".join(client.get(reverse("awards:decision_pdf", args=[decision.pk])).streaming_content))
    root = tmp_path / "root.pem"
    root.write_bytes(pki.root.certificate_pem())
    command = [str(Path(sys.executable).parent / "pyhanko"), "sign", "validate", "--trust", str(root)]
    result = subprocess.run(
        [*command, "--trust-replace", "--executive-summary", str(downloaded)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line.split(":")[-1] for line in result.stdout.split()] == ["VALID", "VALID"]
    other_root = tmp_path / "other.pem"
    other_root.write_bytes(test_pki().root.certificate_pem())
    command[-1] = str(other_root)
    result = subprocess.run(
        [*command, "--trust-replace", "--executive-summary", str(downloaded)], capture_output=True, text=True
    )
    assert "VALID" not in result.stdout.replace("INVALID", "")  # against another root it does not validate


def test_the_demo_command_signs_with_the_test_ca(org, decision, tmp_path):
    from django.core.management import call_command

    record = service.prepare_signing_pdf(decision=decision, by=org.chairman_a)
    source, target = tmp_path / "de-ky.pdf", tmp_path / "da-ky.pdf"
    with record.unsigned_pdf.open("rb") as handle:
        source.write_bytes(handle.read())
    call_command("ky_so_thu_nghiem", str(source), str(target), "--quyet-dinh", str(decision.pk), stdout=io.StringIO())
    record = service.upload_signed_pdf(decision=decision, by=org.chairman_a, content=target.read_bytes())
    assert record.report["ok"] and all(entry["test_anchor"] for entry in record.report["signatures"])
    assert TrustAnchor.objects.filter(is_test=True, subject__contains="(demo)").count() == 2
