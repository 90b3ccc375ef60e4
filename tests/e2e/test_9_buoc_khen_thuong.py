"""The award workflow's step bar: the chairman and the clerk each see their own next action and follow it, step by
step, from the open period to the decision draft; an action that cannot succeed yet is shown disabled with the
reason; the council's biên bản is not "missing" before the council; the bar fits a phone."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from awards.models import Decision, Nomination
from awards.selectors import applicable_requirements
from awards.services import nominations as nomination_services
from awards.services.decisions import discard_draft
from tests.e2e.browser import PHONE, check_page, login, logout
from tests.e2e.data import CHAIRMAN, OFFICE, TINY_PDF, ensure_readings, open_period, user

pytestmark = pytest.mark.e2e


def current_step(page):
    return page.locator('.step-bar [aria-current="step"]')


def next_action(page):
    return page.locator("#buoc-tiep-theo")


def gather_dossier(nomination: Nomination) -> None:
    """The office's paperwork outside the step bar: conditions confirmed and the documents it holds attached (the
    council's biên bản comes later, from the council)."""
    office = user(OFFICE)
    for condition in nomination_services.applicable_conditions(nomination):
        nomination_services.record_condition_check(
            nomination=nomination, condition=condition, confirmed=True, note="Đã đối chiếu hồ sơ", by=office
        )
    for requirement in applicable_requirements(nomination):
        if requirement.from_council:
            continue
        upload = SimpleUploadedFile(f"{requirement.code}.pdf", TINY_PDF, content_type="application/pdf")
        nomination_services.attach_dossier_file(
            nomination=nomination, requirement=requirement, upload=upload, by=office
        )


def test_clerk_and_chairman_follow_their_next_steps(page, demo, browser_errors):
    period = open_period()
    ensure_readings(period)
    for draft in Decision.objects.filter(period=period, status=Decision.Status.DRAFT):
        # a draft another journey left here would rightly be the chairman's next action ("Ký quyết định")
        discard_draft(decision=draft, by=user(CHAIRMAN))
    list_url = reverse("awards:nomination_list", args=[period.pk])

    # The chairman, on the period's award page: the period is open, the next step is his — close it.
    login(page, CHAIRMAN)
    page.goto(list_url)
    expect(current_step(page)).to_contain_text("Đề xuất")
    expect(current_step(page)).to_contain_text("Lãnh đạo")
    check_page(page, "buoc-dot-chua-chot")
    next_action(page).get_by_role("link", name="Chốt đợt").click()
    page.get_by_label(re.compile("xác nhận chốt")).check()
    page.get_by_role("button", name="Chốt đợt thi đua").click()
    expect(page.locator("#job-progress")).to_contain_text("Hoàn thành", timeout=60_000)

    # Closed: the dossiers are the office's now; the chairman is told whom he waits for.
    page.goto(list_url)
    expect(current_step(page)).to_contain_text("Hồ sơ")
    expect(next_action(page)).to_contain_text("Chờ Văn phòng (nhập liệu)")
    nomination = Nomination.objects.filter(period=period, status=Nomination.Status.PROPOSED).order_by("rank", "pk")[0]
    page.goto(nomination.get_absolute_url())
    accept = page.get_by_role("button", name="Chấp thuận", exact=True)
    expect(accept).to_be_disabled()  # shown, not offered: the dossier is not submitted yet
    expect(page.get_by_text("Chưa thể chấp thuận: văn phòng chưa hoàn tất và trình hồ sơ").first).to_be_visible()
    expect(page.get_by_role("link", name="Không chấp thuận")).to_be_visible()
    logout(page)

    # The clerk: completing is hers, disabled until the conditions are confirmed and the documents attached.
    login(page, OFFICE)
    page.goto(nomination.get_absolute_url())
    expect(current_step(page)).to_contain_text("Hồ sơ")
    expect(next_action(page).get_by_role("button", name="Hoàn tất hồ sơ")).to_be_disabled()
    minutes = page.get_by_role("row").filter(has_text="Biên bản xét khen thưởng")
    expect(minutes).to_contain_text("Chưa đến bước Hội đồng")
    expect(minutes).not_to_contain_text("Còn thiếu")
    gather_dossier(nomination)
    page.reload()
    check_page(page, "buoc-ho-so")
    next_action(page).get_by_role("button", name="Hoàn tất hồ sơ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã hoàn tất hồ sơ.")
    next_action(page).get_by_role("button", name="Trình hồ sơ").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã trình hồ sơ đề nghị.")
    expect(current_step(page)).to_contain_text("Hội đồng")

    # The council's step: the office records the meeting from the bar.
    next_action(page).get_by_role("link", name="Ghi kết quả họp Hội đồng").click()
    page.get_by_label("Tổng số thành viên Hội đồng").fill("7")
    page.get_by_label("Số thành viên có mặt").fill("7")
    page.get_by_label("Nội dung biên bản").fill("Hội đồng họp xét khen thưởng.")
    page.locator(f"#id_votes_{nomination.pk}").fill("6")
    page.get_by_role("button", name="Ghi biên bản").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi kết quả họp")
    page.goto(nomination.get_absolute_url())
    expect(current_step(page)).to_contain_text("Phê duyệt")
    expect(next_action(page)).to_contain_text("Chờ Lãnh đạo")
    expect(page.get_by_role("row").filter(has_text="Biên bản xét khen thưởng")).to_contain_text("Đã có")
    logout(page)

    # The chairman: accept from the bar, then draft the decision from the bar.
    login(page, CHAIRMAN)
    page.goto(nomination.get_absolute_url())
    expect(current_step(page)).to_contain_text("Phê duyệt")
    check_page(page, "buoc-phe-duyet")
    next_action(page).get_by_role("link", name="Chấp thuận", exact=True).click()
    page.get_by_label("Tôi xác nhận chấp thuận đề nghị khen thưởng này").check()
    page.get_by_role("button", name="Chấp thuận", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("Đã chấp thuận đề nghị.")
    expect(current_step(page)).to_contain_text("Quyết định")
    next_action(page).get_by_role("link", name="Lập dự thảo quyết định").click()
    award = page.get_by_label("Hình thức khen thưởng")
    expect(award.locator("option")).to_have_count(1)  # one choice: chosen, no "---------"
    expect(award.locator("option")).to_have_text(nomination.award_kind.name)
    page.get_by_label(re.compile("Tôi xác nhận lập dự thảo")).check()
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã lập dự thảo quyết định")
    decision = Decision.objects.get(nominations=nomination)
    page.get_by_role("link", name=nomination.name, exact=True).click()  # the draft leads back to its nominations
    expect(current_step(page)).to_contain_text("Ký")
    sign = next_action(page).get_by_role("link", name="Ký quyết định")
    expect(sign).to_have_attribute("href", reverse("awards:decision_sign", args=[decision.pk]))

    # On a phone the bar stacks: nothing wider than the screen.
    page.set_viewport_size(PHONE)
    expect(current_step(page)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "buoc-ky")
