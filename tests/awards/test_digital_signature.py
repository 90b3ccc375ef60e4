"""Ký số: the PDF to sign, verification of the signed file (PAdES), every bad input refused, re-verification."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from cryptography.hazmat.primitives import serialization
from django.core.exceptions import PermissionDenied, ValidationError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields

from awards import signing
from awards.models import Decision, DigitalSignature, IssuerSignatureRule, TrustAnchor
from awards.services import digital_signature as service
from awards.services.decision_pdf import store_decision_pdf
from awards.signing import ORGANISATION_FIELD, SIGNER_FIELD, fold_name, sign_pdf
from awards.signing_testca import make_root
from tests.awards.signing_data import (
    ORGANISATION_NAME,
    SIGNER_NAME,
    approved_decision,
    expired,
    key_signer,
    sign_both,
    stamped,
    test_pki,
)
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pki():
    return test_pki()


@pytest.fixture
def province_admin(org):
    return member(org.province, "quan_tri", "admin_tinh")


@pytest.fixture
def trusted(pki, province_admin):
    service.add_trust_anchor(by=province_admin, content=pki.root.certificate_pem())
    service.add_trust_anchor(
        by=province_admin, content=pki.intermediate.certificate.public_bytes(serialization.Encoding.DER)
    )


@pytest.fixture
def decision(org):
    return approved_decision(org)


@pytest.fixture
def prepared(org, decision):
    return service.prepare_signing_pdf(decision=decision, by=org.staff_a)


def app_pdf(record: DigitalSignature) -> bytes:
    with record.unsigned_pdf.open("rb") as handle:
        return handle.read()


def refused(org, decision: Decision, content: bytes) -> str:
    """Upload `content`, expect a refusal, check nothing changed, return the message."""
    before = Decision.objects.get(pk=decision.pk)
    with pytest.raises(ValidationError) as error:
        service.upload_signed_pdf(decision=decision, by=org.staff_a, content=content)
    after = Decision.objects.get(pk=decision.pk)
    assert (after.pdf.name, after.pdf_sha256) == (before.pdf.name, before.pdf_sha256)
    record = DigitalSignature.objects.get(decision=decision)
    assert record.signed_sha256 == "" and not record.signed_pdf and record.report == {}
    return error.value.messages[0]


# 1. The PDF to sign -------------------------------------------------------------------------------------------------


def test_the_pdf_to_sign_is_pdfa_2b_with_the_two_empty_fields_where_the_decree_puts_them(org, decision, prepared):
    content = app_pdf(prepared)
    assert prepared.unsigned_sha256 == hashlib.sha256(content).hexdigest()
    reader = PdfFileReader(io.BytesIO(content))
    metadata = reader.root["/Metadata"].get_object().data
    assert b'pdfaid:part="2"' in metadata and b'pdfaid:conformance="B"' in metadata
    assert reader.root["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    found = {name: (value, ref) for name, value, ref in enumerate_sig_fields(reader)}
    assert set(found) == {SIGNER_FIELD, ORGANISATION_FIELD}
    assert all(value is None for value, _ in found.values())  # empty: nothing signed yet
    signer_box = [float(v) for v in found[SIGNER_FIELD][1].get_object()["/Rect"]]
    seal_box = [float(v) for v in found[ORGANISATION_FIELD][1].get_object()["/Rect"]]
    width = signer_box[2] - signer_box[0]
    # The seal overlaps about a third of the signature, on its left.
    assert seal_box[0] < signer_box[0] < seal_box[2]
    assert seal_box[2] - signer_box[0] == pytest.approx(width / 3, abs=1)
    # Both sit above the signer's name, in the signature column (the right half of the page).
    assert signer_box[0] > 595 / 2 - 40
    # The approval stamp ("Đã ký điện tử") is not printed on the copy to be digitally signed.
    assert "Đã ký điện tử".encode("utf-16-be") not in content
    again = service.prepare_signing_pdf(decision=decision, by=org.chairman_a)
    assert again.pk == prepared.pk and again.unsigned_sha256 == prepared.unsigned_sha256


def test_a_draft_is_not_prepared_for_digital_signing(org):
    from awards.services.decisions import create_draft_decision
    from tests.awards.decision_data import accepted_batch

    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a)
    with pytest.raises(ValidationError, match="phê duyệt"):
        service.prepare_signing_pdf(decision=draft, by=org.chairman_a)


@pytest.mark.parametrize("who", ["staff_b", "chairman_b", "noi_vu", "nobody"])
def test_only_the_issuers_people_handle_the_digital_signature(org, decision, who):
    with pytest.raises(PermissionDenied):
        service.prepare_signing_pdf(decision=decision, by=getattr(org, who))


# 2. A good file: two signatures in order ----------------------------------------------------------------------------


def test_signer_then_organisation_makes_the_decision_digitally_signed(org, decision, prepared, pki, trusted):
    signed = sign_both(app_pdf(prepared), pki)
    record = service.upload_signed_pdf(decision=decision, by=org.staff_a, content=signed)
    assert record.is_signed and record.signed_sha256 == hashlib.sha256(signed).hexdigest()
    report = record.report
    assert report["ok"] is True and report["app_pdf_sha256"] == prepared.unsigned_sha256
    signer, seal = report["signatures"]
    assert (signer["role"], signer["name"], signer["field"]) == ("signer", SIGNER_NAME, SIGNER_FIELD)
    assert (seal["role"], seal["name"]) == ("organisation", ORGANISATION_NAME)
    assert signer["revision"] < seal["revision"]
    assert all(check["ok"] for entry in report["signatures"] for check in entry["checks"])
    assert signer["signing_time"].endswith("+07:00")  # ISO 8601 in Vietnam's time zone
    assert "CA thử nghiệm" in signer["trust_anchor"]
    # Every download now serves the signed file.
    decision.refresh_from_db()
    assert decision.pdf_sha256 == record.signed_sha256
    with decision.pdf.open("rb") as handle:
        assert handle.read() == signed
    assert decision.history.first().history_change_reason.startswith("Ký số")
    with pytest.raises(ValidationError, match="đã ký số"):
        store_decision_pdf(decision=decision, force=True)  # the signed file is never replaced by a new rendering
    # A second upload is refused.
    with pytest.raises(ValidationError, match="đã được ký số"):
        service.upload_signed_pdf(decision=decision, by=org.staff_a, content=signed)


def test_the_organisation_signature_is_optional_when_the_issuer_says_so(org, decision, pki, trusted):
    IssuerSignatureRule.objects.create(issuer=org.commune_a, requires_organisation_signature=False)
    record = service.prepare_signing_pdf(decision=decision, by=org.chairman_a)
    signed = sign_pdf(app_pdf(record), signer=key_signer(pki.signer, pki), field_name=SIGNER_FIELD)
    record = service.upload_signed_pdf(decision=decision, by=org.chairman_a, content=signed)
    assert record.is_signed and [e["role"] for e in record.report["signatures"]] == ["signer"]


def test_a_certificate_name_without_diacritics_matches():
    assert fold_name("NGUYEN  VAN AN") == fold_name("Nguyễn Văn An")
    assert fold_name("Đặng Văn Đức") == fold_name("dang van duc")
    assert fold_name("Nguyễn Văn Ân") == fold_name("Nguyễn Văn An")  # the names compared are the certificate's


# 3. Bad input: refused in Vietnamese, nothing changed ------------------------------------------------------------


def test_a_file_that_is_not_a_pdf_is_refused(org, decision, prepared, trusted):
    assert "không phải là tệp PDF" in refused(org, decision, b"PK\x03\x04 a zip, not a PDF")


def test_the_pdf_of_another_document_is_refused(org, decision, prepared, pki, trusted):
    from awards.pdf import render_decision_pdf

    other = sign_both(render_decision_pdf(decision), pki)  # the same decision, but not the app's PDF to sign
    message = refused(org, decision, other)
    assert "không phải bản PDF để ký của quyết định này" in message and prepared.unsigned_sha256 in message


def test_a_pdf_modified_before_signing_is_refused(org, decision, prepared, pki, trusted):
    content = app_pdf(prepared)
    in_place = content[:10] + b"\x00" + content[11:]  # one byte of the binary comment changed, still a PDF
    assert in_place != content
    assert "đã bị sửa trước khi ký" in refused(org, decision, sign_both(in_place, pki))
    appended = stamped(content, "Sửa trước khi ký")  # the app's PDF kept, a change appended, then signed
    assert "đã bị sửa sau khi hệ thống tạo bản để ký" in refused(org, decision, sign_both(appended, pki))


def test_a_signed_file_modified_afterwards_is_refused(org, decision, prepared, pki, trusted):
    content = app_pdf(prepared)
    signed = sign_both(content, pki)
    # One digit of the signer's signing date changed: that dictionary is covered by the signature.
    marker = b"/M (D\\072"
    position = signed.index(marker, len(content)) + len(marker) + 3
    digit = signed[position : position + 1]
    tampered = signed[:position] + (b"1" if digit != b"1" else b"2") + signed[position + 1 :]
    assert len(tampered) == len(signed) and tampered.startswith(content)
    assert "nguyên vẹn" in refused(org, decision, tampered)


def test_content_added_after_the_signatures_is_refused(org, decision, prepared, pki, trusted):
    signed = sign_both(app_pdf(prepared), pki)
    message = refused(org, decision, stamped(signed, "Sửa sau khi ký"))
    assert "không sửa nội dung sau khi ký" in message


def test_an_untrusted_certificate_is_refused(org, decision, prepared, province_admin):
    stranger = test_pki()  # same names, another CA
    service.add_trust_anchor(by=province_admin, content=make_root().certificate_pem())
    message = refused(org, decision, sign_both(app_pdf(prepared), stranger))
    assert "chuỗi chứng thư đến chứng thư tin cậy" in message and SIGNER_NAME in message


def test_no_trust_anchor_at_all_is_explained(org, decision, prepared, pki):
    assert "Chưa có chứng thư gốc tin cậy" in refused(org, decision, sign_both(app_pdf(prepared), pki))


def test_an_expired_certificate_is_refused(org, decision, prepared, pki, trusted):
    old = expired(pki)
    signed = sign_pdf(app_pdf(prepared), signer=key_signer(old, pki), field_name=SIGNER_FIELD)
    signed = sign_pdf(signed, signer=key_signer(pki.organisation, pki), field_name=ORGANISATION_FIELD)
    assert "còn hiệu lực lúc ký" in refused(org, decision, signed)


def test_an_image_signature_without_cryptography_is_refused(org, decision, prepared, trusted):
    message = refused(org, decision, stamped(app_pdf(prepared), SIGNER_NAME))
    assert "không có chữ ký số nào" in message and "hình ảnh chữ ký" in message


def test_bytes_appended_to_the_pdf_to_sign_are_refused(org, decision, prepared, trusted):
    message = refused(org, decision, app_pdf(prepared) + b"\n%chu ky gia\n%%EOF\n")
    assert "không có chữ ký số nào" in message or "Không đọc được" in message


def test_the_unsigned_file_itself_is_refused(org, decision, prepared, trusted):
    assert "chưa có chữ ký số" in refused(org, decision, app_pdf(prepared))


def test_another_persons_certificate_is_refused_with_both_names(org, decision, prepared, trusted, pki):
    from awards.signing_testca import issue

    someone = issue(pki.intermediate, "Trần Thị Bình", organisation=ORGANISATION_NAME)
    signed = sign_pdf(app_pdf(prepared), signer=key_signer(someone, pki), field_name=SIGNER_FIELD)
    signed = sign_pdf(signed, signer=key_signer(pki.organisation, pki), field_name=ORGANISATION_FIELD)
    message = refused(org, decision, signed)
    assert "Trần Thị Bình" in message and SIGNER_NAME in message and "không trùng" in message


def test_a_missing_organisation_signature_is_refused(org, decision, prepared, pki, trusted):
    signed = sign_pdf(app_pdf(prepared), signer=key_signer(pki.signer, pki), field_name=SIGNER_FIELD)
    assert "Thiếu chữ ký số của cơ quan" in refused(org, decision, signed)


def test_the_seal_before_the_signer_is_refused(org, decision, prepared, pki, trusted):
    signed = sign_pdf(app_pdf(prepared), signer=key_signer(pki.organisation, pki), field_name=ORGANISATION_FIELD)
    signed = sign_pdf(signed, signer=key_signer(pki.signer, pki), field_name=SIGNER_FIELD)
    assert "phải đứng sau chữ ký của người ký" in refused(org, decision, signed)


# Re-verification on demand -----------------------------------------------------------------------------------------


def test_reverification_records_a_new_report(org, decision, prepared, pki, trusted, province_admin):
    record = service.upload_signed_pdf(decision=decision, by=org.staff_a, content=sign_both(app_pdf(prepared), pki))
    for anchor in TrustAnchor.objects.all():
        service.set_trust_anchor_active(anchor=anchor, by=province_admin, active=False)
    record = service.reverify(decision=decision, by=org.chairman_a)
    assert record.report["ok"] is False and "tin cậy" in record.report["reason"]
    assert record.is_signed  # the kept file stays; the report says what changed
    for anchor in TrustAnchor.objects.all():
        service.set_trust_anchor_active(anchor=anchor, by=province_admin, active=True)
    assert service.reverify(decision=decision, by=org.chairman_a).report["ok"] is True


# Trust anchors ---------------------------------------------------------------------------------------------------


def test_trust_anchors_are_managed_by_the_top_administrator_only(org, pki, province_admin):
    with pytest.raises(PermissionDenied):
        service.add_trust_anchor(by=org.admin_a, content=pki.root.certificate_pem())
    anchor = service.add_trust_anchor(by=province_admin, content=pki.root.certificate_pem())
    assert anchor.is_root and not anchor.is_test and "CA thử nghiệm" in anchor.subject
    with pytest.raises(ValidationError, match="đã có"):
        service.add_trust_anchor(by=province_admin, content=pki.root.certificate_pem())
    with pytest.raises(ValidationError, match="không phải của tổ chức cung cấp"):
        service.add_trust_anchor(by=province_admin, content=pki.signer.certificate_pem())
    with pytest.raises(ValidationError, match="X.509"):
        service.add_trust_anchor(by=province_admin, content=b"not a certificate")


def test_an_unreachable_revocation_list_is_recorded_not_hidden(org, decision, prepared, pki, trusted, settings):
    from awards.signing_testca import issue

    settings.DIGITAL_SIGNATURE_FETCH_REVOCATION = True
    with_crl = issue(pki.intermediate, SIGNER_NAME, organisation=ORGANISATION_NAME, crl_url="http://127.0.0.1:9/ca.crl")
    signed = sign_pdf(app_pdf(prepared), signer=key_signer(with_crl, pki), field_name=SIGNER_FIELD)
    signed = sign_pdf(signed, signer=key_signer(pki.organisation, pki), field_name=ORGANISATION_FIELD)
    record = service.upload_signed_pdf(decision=decision, by=org.staff_a, content=signed)
    revocation = {check["label"]: check for check in record.report["signatures"][0]["checks"]}["Tình trạng thu hồi"]
    assert revocation["ok"] and "Không truy cập được CRL/OCSP" in revocation["detail"]
    assert "http://127.0.0.1:9/ca.crl" in revocation["detail"]
    organisation = {check["label"]: check for check in record.report["signatures"][1]["checks"]}
    assert "không công bố địa chỉ CRL/OCSP" in organisation["Tình trạng thu hồi"]["detail"]


@pytest.fixture
def crl_server():
    """A CRL served over HTTP on loopback, as a CA publishes it; `publish(bytes)` sets its content."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    served = {"body": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(served["body"])))
            self.end_headers()
            self.wfile.write(served["body"])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ca.crl", served
    server.shutdown()


def test_a_revoked_certificate_is_refused_when_the_crl_is_reachable(
    org, decision, prepared, pki, trusted, settings, crl_server
):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from awards.signing_testca import issue

    url, served = crl_server
    settings.DIGITAL_SIGNATURE_FETCH_REVOCATION = True
    revoked = issue(pki.intermediate, SIGNER_NAME, organisation=ORGANISATION_NAME, crl_url=url)
    now = dt.datetime.now(dt.UTC)
    entry = (
        x509.RevokedCertificateBuilder()
        .serial_number(revoked.certificate.serial_number)
        .revocation_date(now - dt.timedelta(hours=1))
        .build()
    )
    served["body"] = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.intermediate.certificate.subject)
        .last_update(now - dt.timedelta(hours=1))
        .next_update(now + dt.timedelta(days=1))
        .add_revoked_certificate(entry)
        .sign(pki.intermediate.key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    signed = sign_pdf(app_pdf(prepared), signer=key_signer(revoked, pki), field_name=SIGNER_FIELD)
    signed = sign_pdf(signed, signer=key_signer(pki.organisation, pki), field_name=ORGANISATION_FIELD)
    assert "đã bị thu hồi" in refused(org, decision, signed)


def test_the_signature_stamp_shows_the_time_as_people_read_it(org, decision, pki, monkeypatch):
    """Issue 19, point 7: the stamp printed "2026-12-03T14:47:56+07:00"; it reads "03/12/2026 14:47"."""
    stamps: list[str] = []
    real_appearance = signing._appearance
    monkeypatch.setattr(signing, "_appearance", lambda lines: stamps.append(lines) or real_appearance(lines))
    record = service.prepare_signing_pdf(decision=decision, by=org.chairman_a)
    sign_pdf(app_pdf(record), signer=key_signer(pki.signer, pki), field_name=SIGNER_FIELD)
    name, when = stamps[0].split("\n")
    assert name == SIGNER_NAME
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", when), when
