"""awards/steps.py: the award workflow's step bar — each step's state per status, and the one next action for the
person looking (a link when the policy allows it, disabled with the policy's reason when refused, else whom to wait
for); the tie flag that follows its cause; the step bar on the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Decision, DossierRequirement, Nomination
from awards.services import nominations as services
from awards.services.decisions import create_draft_decision
from awards.steps import nomination_steps, period_steps
from tests.awards.decision_data import accepted_batch
from tests.awards.nominations_setup import PDF_BYTES, commune_plan
from tests.factories import member

pytestmark = pytest.mark.django_db

D, C, W, N, S = "done", "current", "waiting", "not_needed", "stopped"


@pytest.fixture
def plan(org):
    setup = commune_plan(org)
    services.propose_for_period(period=setup.period)
    setup.leader = Nomination.objects.get(participant=setup.collectives[0])
    return setup


def at(nomination: Nomination, status: str, **fields) -> Nomination:
    Nomination.objects.filter(pk=nomination.pk).update(status=status, **fields)
    return Nomination.objects.select_related("period__plan__issuer", "participant__unit", "decision").get(
        pk=nomination.pk
    )


def vote(setup, nomination, votes_for: int) -> None:
    services.record_council_meeting(
        period=setup.period,
        held_on=dt.date(2024, 7, 20),
        members_total=10,
        members_present=10,
        secret_ballot=True,
        votes={nomination.pk: votes_for},
        by=setup.chairman,
    )


def states(bar) -> list[str]:
    return [step.state for step in bar.steps]


# status (+ council votes, + decision) → the seven states (đề xuất, hồ sơ, thẩm định, hội đồng, phê duyệt, quyết
# định, ký) of a commune plan (no appraisal: its issuer is a commune)
STATE_TABLE = [
    ("proposed", None, None, [D, C, N, W, W, W, W]),
    ("prepared", None, None, [D, C, N, W, W, W, W]),
    ("submitted", None, None, [D, D, N, C, W, W, W]),
    ("submitted", 6, None, [D, D, N, C, W, W, W]),  # below the 70 % threshold: the council is not done
    ("submitted", 8, None, [D, D, N, D, C, W, W]),
    ("accepted", 8, None, [D, D, N, D, D, C, W]),
    ("accepted", 8, "draft", [D, D, N, D, D, D, C]),
    ("accepted", 8, "signed", [D, D, N, D, D, D, D]),
    ("rejected", None, None, [D, S, N, N, N, N, N]),
]


@pytest.mark.parametrize(("status", "votes", "decision", "expected"), STATE_TABLE)
def test_step_states_per_status(org, plan, status, votes, decision, expected):
    plan.chairman = org.chairman_a
    if votes is not None:
        vote(plan, at(plan.leader, "submitted"), votes)
    extra = {"reject_reason": "Không đủ tiêu chuẩn"} if status == "rejected" else {}
    if decision:
        extra["decision"] = Decision.objects.create(
            issuer=org.commune_a,
            period=plan.period,
            award_kind=plan.kind,
            status=decision,
            number=3 if decision == "signed" else None,
            place="An Bình",
            summary="Khen thưởng",
            article_1="1",
            article_2="2",
            article_3="3",
        )
    nomination = at(plan.leader, status, **extra)
    bar = nomination_steps(org.chairman_a, nomination)
    assert states(bar) == expected
    current = [step for step in bar.steps if step.state in (C, S)]
    assert bar.current == (current[0] if current else None)


def test_a_plan_decided_above_the_commune_goes_through_appraisal_owned_by_noi_vu(org):
    member(org.district, "lanh_dao", "chairman_huyen")
    setup = commune_plan(org, issuer=org.district, prefix="H")
    services.propose_for_period(period=setup.period)
    nomination = at(Nomination.objects.get(participant=setup.collectives[0]), "submitted")
    bar = nomination_steps(org.noi_vu, nomination)
    assert states(bar) == [D, D, C, W, W, W, W]
    assert bar.steps[2].owner == "Nội vụ cấp trên của Huyện Thử Nghiệm"
    assert bar.action is not None and bar.action.allowed and bar.action.label == "Thẩm định"
    assert bar.action.url == reverse("awards:nomination_appraise", args=[nomination.pk])


def test_the_clerk_and_the_chairman_each_see_their_own_next_action(org, plan):
    nomination = at(plan.leader, "prepared")
    clerk = nomination_steps(org.staff_a, nomination).action
    assert clerk is not None and clerk.allowed and clerk.label == "Trình hồ sơ" and clerk.post
    assert nomination_steps(org.chairman_a, nomination).action == clerk  # lãnh đạo of the unit may submit too
    chairman = nomination_steps(org.chairman_a, at(plan.leader, "proposed")).action
    assert chairman is not None and not chairman.url
    assert chairman.waiting == (
        "Chờ Văn phòng (nhập liệu) Xã An Bình: xác nhận tiêu chuẩn, đính kèm tài liệu, hoàn tất và trình hồ sơ."
    )
    nomination = at(plan.leader, "submitted")
    chairman = nomination_steps(org.chairman_a, nomination).action
    assert chairman is not None and chairman.allowed and chairman.label == "Ghi kết quả họp Hội đồng"
    assert nomination_steps(org.noi_vu, nomination).action.waiting.startswith(  # type: ignore[union-attr]
        "Chờ Hội đồng Thi đua – Khen thưởng Xã An Bình: họp và bỏ phiếu"
    )


def test_an_action_that_cannot_succeed_is_shown_disabled_with_the_reason(org, plan):
    """The clerk's "Hoàn tất hồ sơ" before the conditions are confirmed; the chairman's "Chấp thuận" below the
    council's threshold: shown, not offered, with the policy's reason."""
    clerk = nomination_steps(org.staff_a, plan.leader).action
    assert clerk is not None and clerk.label == "Hoàn tất hồ sơ" and not clerk.allowed
    assert clerk.reason == "Chưa xác nhận đạt các tiêu chuẩn: Nội bộ đoàn kết, không có cá nhân bị kỷ luật."
    plan.chairman = org.chairman_a
    nomination = at(plan.leader, "submitted")
    vote(plan, nomination, 6)
    # the council step stays current (6/10 is below 70 %): the office records another vote, the chairman may too
    assert nomination_steps(org.chairman_a, nomination).steps[3].note == "6/10 phiếu đồng ý, dưới ngưỡng"


def test_the_chairman_sees_accept_disabled_with_the_reason_until_the_clerk_submits(client, org, plan):
    client.force_login(org.chairman_a)
    page = client.get(reverse("awards:nomination_detail", args=[plan.leader.pk])).content.decode()
    reason = "Chưa thể chấp thuận: văn phòng chưa hoàn tất và trình hồ sơ (bước hiện tại: Đề xuất)."
    assert f'title="{reason}"' in page and reason in page
    assert reverse("awards:nomination_accept", args=[plan.leader.pk]) not in page
    assert reverse("awards:nomination_reject", args=[plan.leader.pk]) in page


def _submit(setup, nomination, staff) -> Nomination:
    services.record_condition_check(nomination=nomination, condition=setup.condition, confirmed=True, by=staff)
    for requirement in (setup.report, setup.submission):
        services.attach_dossier_file(
            nomination=nomination, requirement=requirement, by=staff, upload=SimpleUploadedFile("ho-so.pdf", PDF_BYTES)
        )
    services.mark_prepared(nomination=nomination, by=staff)
    return services.submit_nomination(nomination=nomination, by=staff)


def test_the_detail_page_shows_the_step_bar_with_the_current_step_and_the_next_action(client, org, plan):
    client.force_login(org.staff_a)
    url = reverse("awards:nomination_detail", args=[plan.leader.pk])
    page = client.get(url).content.decode()
    assert '<ol class="step-list">' in page and page.count('aria-current="step"') == 1
    assert "Văn phòng (nhập liệu) Xã An Bình" in page and "Chủ tịch hoặc Phó Chủ tịch Xã An Bình" in page
    leader = _submit(plan, plan.leader, org.staff_a)
    client.force_login(org.chairman_a)
    page = client.get(url).content.decode()
    assert f'href="{reverse("awards:council_meeting", args=[plan.period.pk])}">Ghi kết quả họp Hội đồng' in page
    plan.chairman = org.chairman_a
    vote(plan, leader, 8)
    page = client.get(url).content.decode()
    assert f'href="{reverse("awards:nomination_accept", args=[leader.pk])}">Chấp thuận</a>' in page


def test_the_proposals_page_leads_to_the_decision_draft_when_allowed(client, org, plan, django_assert_max_num_queries):
    leader = _submit(plan, plan.leader, org.staff_a)
    plan.chairman = org.chairman_a
    vote(plan, leader, 8)
    services.accept_nomination(nomination=leader, by=org.chairman_a)
    others = Nomination.objects.filter(period=plan.period).exclude(pk=leader.pk)
    for other in others:
        services.reject_nomination(nomination=other, reason="Chọn người khác", by=org.chairman_a)
    bar = period_steps(org.chairman_a, plan.period)
    assert states(bar) == [D, D, N, D, D, C, W]
    assert bar.action is not None and bar.action.label == "Lập dự thảo quyết định" and bar.action.allowed
    client.force_login(org.chairman_a)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("awards:nomination_list", args=[plan.period.pk])).content.decode()
    assert f'href="{reverse("awards:decision_create", args=[plan.period.pk])}">Lập dự thảo quyết định' in page
    client.force_login(org.staff_a)  # the office may not draft: it is told whom it waits for
    page = client.get(reverse("awards:nomination_list", args=[plan.period.pk])).content.decode()
    assert "Chờ Lãnh đạo hoặc quản trị Xã An Bình: lập dự thảo quyết định." in page
    assert reverse("awards:decision_create", args=[plan.period.pk]) not in page


def test_an_open_period_offers_the_chairman_its_close(org):
    setup = commune_plan(org, prefix="O")
    setup.period.status = "active"
    setup.period.save(update_fields=["status"])
    bar = period_steps(org.chairman_a, setup.period)
    assert states(bar) == [C, W, N, W, W, W, W] and bar.current == bar.steps[0]
    assert bar.action is not None and bar.action.label == "Chốt đợt" and bar.action.allowed
    assert bar.action.url == reverse("planning:period_close", args=[setup.period.pk])
    clerk = period_steps(org.staff_a, setup.period).action
    assert clerk is not None and not clerk.url
    assert clerk.waiting == "Chờ Lãnh đạo Xã An Bình (chốt đợt): chốt đợt để hệ thống lập đề xuất theo chỉ tiêu."


def test_settling_a_tie_removes_its_badge_and_warning(client, org):
    setup = commune_plan(org, prefix="T")
    tied = setup.standings[1]
    tied.rank, tied.ratio, tied.tied = 1, setup.standings[0].ratio, True
    tied.save()
    setup.standings[0].tied = True
    setup.standings[0].save()
    services.propose_for_period(period=setup.period)
    first, second = (Nomination.objects.get(participant=c) for c in setup.collectives[:2])
    assert first.tied_at_cut and second.tied_at_cut
    client.force_login(org.chairman_a)
    url = reverse("awards:nomination_list", args=[setup.period.pk])
    page = client.get(url).content.decode()
    assert "Có 2 đề nghị đồng hạng tại ngưỡng chỉ tiêu" in page and "Đồng hạng tại ngưỡng</span>" in page

    services.reject_nomination(nomination=second, reason="Chọn Bộ phận Địa chính T", by=org.chairman_a)
    first.refresh_from_db()
    assert not first.tied_at_cut and "đồng hạng" not in first.reason
    page = client.get(url).content.decode()
    assert "đề nghị đồng hạng tại ngưỡng chỉ tiêu" not in page and "Đồng hạng tại ngưỡng</span>" not in page
    detail = client.get(reverse("awards:nomination_detail", args=[first.pk])).content.decode()
    assert "Đồng hạng tại ngưỡng" not in detail

    services.propose_for_period(period=setup.period, by=org.chairman_a)  # re-running the engine keeps it settled
    first.refresh_from_db()
    assert not first.tied_at_cut


def test_a_tie_not_yet_settled_keeps_its_flag(org):
    """Three tied for one place: rejecting one leaves two over one place, still a tie."""
    setup = commune_plan(org, prefix="U")
    for standing in setup.standings[:3]:
        standing.rank, standing.ratio, standing.tied = 1, setup.standings[0].ratio, True
        standing.save()
    services.propose_for_period(period=setup.period)
    nominations = [Nomination.objects.get(participant=c) for c in setup.collectives]
    services.reject_nomination(nomination=nominations[2], reason="Chọn người khác", by=org.chairman_a)
    assert [Nomination.objects.get(pk=n.pk).tied_at_cut for n in nominations[:2]] == [True, True]


def test_the_award_kind_select_has_no_empty_line_when_there_is_one_choice(client, org):
    period, award, _nominations = accepted_batch(org)
    client.force_login(org.chairman_a)
    page = client.get(reverse("awards:decision_create", args=[period.pk])).content.decode()
    select = page[page.index('name="award_kind"') : page.index("</select>", page.index('name="award_kind"'))]
    assert "---------" not in select
    assert f'<option value="{award.pk}" selected>' in select


def test_the_councils_minutes_are_not_missing_before_the_dossier_goes_to_the_council(client, org, plan):
    minutes = DossierRequirement.objects.create(
        plan=plan.plan, code="bien-ban", name="Biên bản xét khen thưởng", per_nominee=False, from_council=True, order=3
    )
    client.force_login(org.staff_a)
    url = reverse("awards:nomination_detail", args=[plan.leader.pk])
    page = client.get(url).content.decode()
    row = page[page.index(minutes.name) :].split("</tr>")[0]
    assert "Còn thiếu" not in row and "Chưa đến bước Hội đồng" in row
    leader = _submit(plan, plan.leader, org.staff_a)  # completing and submitting does not wait for the minutes
    assert leader.status == "submitted"
    plan.chairman = org.chairman_a
    vote(plan, leader, 8)
    row = client.get(url).content.decode()
    row = row[row.index(minutes.name) :].split("</tr>")[0]
    assert "Biên bản họp Hội đồng ngày 20/07/2024" in row and "Đã có" in row


def test_a_draft_links_back_to_its_nominations_and_the_nominations_to_it(client, org):
    period, award, nominations = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))
    client.force_login(org.chairman_a)
    page = client.get(reverse("awards:decision_detail", args=[draft.pk])).content.decode()
    for nomination in nominations:
        assert f'href="{nomination.get_absolute_url()}"' in page
    assert f'href="{reverse("awards:nomination_list", args=[period.pk])}"' in page
    detail = client.get(nominations[0].get_absolute_url()).content.decode()
    assert f'href="{draft.get_absolute_url()}"' in detail
    bar = nomination_steps(org.chairman_a, Nomination.objects.get(pk=nominations[0].pk))
    assert bar.action is not None and bar.action.label == "Ký quyết định" and bar.action.allowed
    assert bar.action.url == reverse("awards:decision_sign", args=[draft.pk])
