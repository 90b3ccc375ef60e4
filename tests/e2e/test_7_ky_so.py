"""Ký số's journey: the administrator sees the demo's test CA among the trust anchors; the chairman makes the PDF to
sign, downloads it, signs it with the test signer (signer, then organisation), uploads it (a wrong file first, refused),
reads the verification report; the downloaded decision validates with `pyhanko sign validate` against the test root."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from awards.demo_signing import demo_ca, sign_with_demo_ca
from awards.models import Decision, DigitalSignature, Nomination
from awards.services.decisions import create_draft_decision, sign_decision
from awards.services.digital_signature import organisation_names
from campaigns.models import Period
from tests.e2e.browser import check_page, login
from tests.e2e.data import CHAIRMAN, COMMUNE, user

pytestmark = pytest.mark.e2e
# The test CA `load_demo` trusted (read at collection: the suite's autouse fixtures point each test to a temporary one).
DEMO_CA_DIR = settings.DEMO_SIGNING_CA_DIR


def approved_decision() -> Decision:
    """A decision of Tây Hiếu approved (ký nháy) by its chairman and not yet digitally signed.

    After the lãnh đạo journey there is one; run alone, two proposals of a closed period are taken as accepted
    (the chairman's decisions on them are that journey's subject) and the chairman drafts and approves.
    """
    ready = (
        Decision.objects.filter(issuer__code=COMMUNE, status=Decision.Status.SIGNED, digital_signature__isnull=True)
        .order_by("-pk")
        .first()
    )
    if ready is not None:
        return ready
    period = (
        Period.objects.filter(plan__issuer__code=COMMUNE, status=Period.Status.CLOSED, nominations__isnull=False)
        .distinct()
        .order_by("-end")
        .first()
    )
    assert period is not None, "the demo closes past periods with their proposals"
    proposals = Nomination.objects.filter(period=period, decision__isnull=True).order_by("rank", "pk")
    first = proposals.first()
    assert first is not None
    same_award = proposals.filter(award_kind=first.award_kind).values_list("pk", flat=True)[:2]
    Nomination.objects.filter(pk__in=list(same_award)).update(status=Nomination.Status.ACCEPTED)
    chairman = user(CHAIRMAN)
    draft = create_draft_decision(period=period, award_kind=first.award_kind, by=chairman, signed_on=None)
    return sign_decision(decision=draft, by=chairman, password="thidua@2024")


def test_chairman_signs_a_decision_digitally_and_the_file_validates(page, demo, tmp_path, browser_errors, settings):
    settings.DEMO_SIGNING_CA_DIR = DEMO_CA_DIR
    decision = approved_decision()

    # The deployment's trust anchors: the demo's own CA, marked as a test CA.
    login(page, "admin")
    page.goto("/chung-thu-tin-cay/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chứng thư tin cậy cho chữ ký số")
    expect(page.get_by_role("row").filter(has_text="CA thử nghiệm Thi đua (demo)")).to_contain_text("Thử nghiệm")
    check_page(page, "chung-thu-tin-cay")
    page.context.clear_cookies()

    login(page, CHAIRMAN)
    page.goto(decision.get_absolute_url())
    card = page.locator("#ky-so-card")
    expect(card).to_contain_text("Chưa ký số")
    expect(card).to_contain_text("chưa phải chữ ký số")
    card.get_by_role("link", name="Ký số quyết định").click()
    page.get_by_role("button", name="Tạo bản PDF để ký số").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã tạo bản PDF để ký số")
    shown = page.locator("#sha256-ban-de-ky").inner_text().strip()
    check_page(page, "ky-so")

    with page.expect_download() as info:
        page.get_by_role("link", name="Tải bản để ký (PDF)").click()
    to_sign = tmp_path / "ban-de-ky.pdf"
    info.value.save_as(to_sign)
    assert hashlib.sha256(to_sign.read_bytes()).hexdigest() == shown

    # A file that is not signed is refused, with the reason, and nothing changes.
    browser_errors.expect("status of 400")
    page.get_by_label("Tệp PDF đã ký số").set_input_files(str(to_sign))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator(".invalid-feedback, .text-danger, .alert-danger").first).to_contain_text("chưa có chữ ký số")
    assert not DigitalSignature.objects.get(decision=decision).is_signed

    # The chairman signs in "his tool" (the test signer), the văn thư adds the organisation's signature.
    # Its own thread, as its own program would be: Playwright's loop runs in this one and pyHanko starts its own.
    signed = tmp_path / "da-ky-so.pdf"
    with ThreadPoolExecutor(max_workers=1) as tool:
        content = tool.submit(
            sign_with_demo_ca,
            to_sign.read_bytes(),
            signer_name=decision.signer_name,
            organisation_name=organisation_names(decision.issuer)[0],
        ).result()
    signed.write_bytes(content)
    page.get_by_label("Tệp PDF đã ký số").set_input_files(str(signed))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator(".alert-success")).to_contain_text("Quyết định đã được ký số")
    expect(page.locator("#da-ky-so")).to_have_text("Đã ký số")
    card = page.locator("#ky-so-card")
    expect(card).to_contain_text("Hợp lệ")
    expect(card).to_contain_text(f"Người ký: {decision.signer_name}")
    expect(card).to_contain_text(f"Cơ quan: {organisation_names(decision.issuer)[0]}")
    expect(card).to_contain_text("Chuỗi chứng thư đến chứng thư tin cậy")
    expect(card).to_contain_text("THỬ NGHIỆM – không có giá trị pháp lý")
    signed_at = r"Ký lúc: \d\d/\d\d/\d{4} \d\d:\d\d:\d\d \(giờ máy người ký ghi\)"
    expect(card).to_contain_text(re.compile(signed_at))
    check_page(page, "quyet-dinh-da-ky-so")

    # The decision's download is the signed file, and it validates on its own against the test root.
    response = page.request.get(page.get_by_role("link", name="Tải PDF").get_attribute("href"))
    assert response.status == 200 and response.body() == signed.read_bytes()
    downloaded = tmp_path / "quyet-dinh.pdf"
    downloaded.write_bytes(response.body())
    root = tmp_path / "root.pem"
    root.write_bytes(demo_ca()[0].certificate_pem())
    pyhanko = Path(sys.executable).parent / "pyhanko"
    result = subprocess.run(
        [str(pyhanko), "sign", "validate", "--trust", str(root), "--trust-replace", "--executive-summary"]
        + [str(downloaded)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.endswith(":VALID") for line in lines), result.stdout

    # Re-verified on demand.
    page.get_by_role("button", name="Kiểm tra lại chữ ký số").click()
    expect(page.locator(".alert-success")).to_contain_text("chữ ký số hợp lệ")
