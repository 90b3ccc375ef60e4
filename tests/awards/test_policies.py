"""awards/policies.py: who may move a nomination or a decision along, and the reason when not.

One table per policy (role × status → allowed, or the refusal's code and reason), then the promise that matters to a
user: a service called directly (a command, an API later) refuses exactly as the page does, with the same reason, and a
page shows an action that is relevant but refused as a disabled button with that reason instead of offering it.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Decision, Nomination
from awards.policies import DecisionPolicy, NominationPolicy, PeriodAwardsPolicy, shown_refusal
from awards.services import decisions as decision_services
from awards.services import nominations as services
from tests.awards.decision_data import accepted_batch
from tests.awards.nominations_setup import PDF_BYTES, commune_plan
from tests.factories import member

pytestmark = pytest.mark.django_db

OFFICE_ONLY = "Chỉ cán bộ nhập liệu của đơn vị được chuẩn bị hồ sơ đề nghị khen thưởng."
CHAIRMAN_ONLY = "Chỉ lãnh đạo của đơn vị ban hành kế hoạch được quyết định khen thưởng."
NOI_VU_ONLY = "Chỉ cơ quan Nội vụ được thẩm định hồ sơ khen thưởng."
SUBMIT_ONLY = "Chỉ cán bộ nhập liệu hoặc lãnh đạo của đơn vị được trình hồ sơ đề nghị."
OK = (True, "", "")


@pytest.fixture
def plan(org):
    setup = commune_plan(org)
    services.propose_for_period(period=setup.period)
    setup.leader = Nomination.objects.get(participant=setup.collectives[0])
    return setup


def at(nomination: Nomination, status: str) -> Nomination:
    Nomination.objects.filter(pk=nomination.pk).update(status=status)
    return Nomination.objects.select_related("period__plan__issuer", "participant__unit").get(pk=nomination.pk)


def answer_of(answer) -> tuple[bool, str, str]:
    return (answer.allowed, answer.code, answer.reason)


# role (an org attribute) × status → (allowed, code, reason)
NOMINATION_TABLE = [
    ("check", "staff_a", "proposed", OK),
    ("check", "admin_a", "proposed", OK),
    ("check", "staff_a", "prepared", (False, "status", "Chỉ xác nhận tiêu chuẩn khi đề nghị đang ở bước Đề xuất.")),
    ("check", "chairman_a", "proposed", (False, "role", OFFICE_ONLY)),
    ("check", "noi_vu", "proposed", (False, "role", OFFICE_ONLY)),
    ("check", "staff_b", "proposed", (False, "role", OFFICE_ONLY)),
    ("upload", "staff_a", "prepared", OK),
    ("upload", "staff_a", "submitted", (False, "status", "Hồ sơ đã trình, không thể thêm tệp.")),
    ("upload", "noi_vu", "proposed", (False, "role", OFFICE_ONLY)),
    ("remove_file", "staff_a", "appraised", (False, "status", "Hồ sơ đã trình, không thể xóa tệp.")),
    (
        "prepare",
        "staff_a",
        "proposed",
        (False, "incomplete", "Chưa xác nhận đạt các tiêu chuẩn: Nội bộ đoàn kết, không có cá nhân bị kỷ luật."),
    ),
    ("prepare", "staff_a", "prepared", (False, "status", "Chỉ hoàn tất hồ sơ cho đề nghị đang ở bước Đề xuất.")),
    ("prepare", "chairman_a", "proposed", (False, "role", OFFICE_ONLY)),
    ("submit", "staff_a", "prepared", OK),
    ("submit", "chairman_a", "prepared", OK),
    ("submit", "staff_a", "proposed", (False, "status", "Chỉ trình đề nghị đã hoàn tất hồ sơ.")),
    ("submit", "noi_vu", "prepared", (False, "role", SUBMIT_ONLY)),
    ("submit", "staff_b", "prepared", (False, "role", SUBMIT_ONLY)),
    (
        "appraise",
        "noi_vu",
        "submitted",
        (False, "status", "Kế hoạch này do cấp xã quyết định, không qua thẩm định của Nội vụ."),
    ),
    ("appraise", "chairman_a", "submitted", (False, "role", NOI_VU_ONLY)),
    ("reject", "chairman_a", "proposed", OK),
    ("reject", "deputy_a", "submitted", OK),
    (
        "reject",
        "chairman_a",
        "accepted",
        (False, "status", "Đề nghị ở trạng thái Chấp thuận, không thể không chấp thuận."),
    ),
    ("reject", "staff_a", "proposed", (False, "role", CHAIRMAN_ONLY)),
    ("reject", "admin_a", "proposed", (False, "role", CHAIRMAN_ONLY)),
    ("reject", "chairman_b", "proposed", (False, "role", CHAIRMAN_ONLY)),
    ("reject", "noi_vu", "submitted", (False, "role", CHAIRMAN_ONLY)),
    (
        "accept",
        "chairman_a",
        "submitted",
        (
            False,
            "council",
            "Chưa có kết quả bỏ phiếu của Hội đồng Thi đua – Khen thưởng cho Bộ phận Địa chính A.",
        ),
    ),
    (
        "accept",
        "chairman_a",
        "prepared",
        (
            False,
            "dossier",
            "Chưa thể chấp thuận: văn phòng chưa hoàn tất và trình hồ sơ (bước hiện tại: Đã chuẩn bị hồ sơ).",
        ),
    ),
    ("accept", "staff_a", "submitted", (False, "role", CHAIRMAN_ONLY)),
    ("accept", "chairman_b", "submitted", (False, "role", CHAIRMAN_ONLY)),
]


@pytest.mark.parametrize(("action", "who", "status", "expected"), NOMINATION_TABLE)
def test_nomination_policy_table(org, plan, action, who, status, expected):
    nomination = at(plan.leader, status)
    answer = getattr(NominationPolicy, action)(getattr(org, who), nomination)
    assert answer_of(answer) == expected


def test_appraisal_belongs_to_noi_vu_over_the_issuer_and_comes_before_acceptance(org):
    district_chairman = member(org.district, "lanh_dao", "chairman_huyen")
    setup = commune_plan(org, issuer=org.district, prefix="H")
    services.propose_for_period(period=setup.period)
    nomination = at(Nomination.objects.get(participant=setup.collectives[0]), "submitted")
    assert NominationPolicy.appraise(org.noi_vu, nomination).allowed
    assert NominationPolicy.appraise(org.noi_vu_tinh, nomination).allowed  # Nội vụ of a unit above the issuer
    assert answer_of(NominationPolicy.appraise(org.chairman_a, nomination))[1] == "role"
    assert answer_of(NominationPolicy.accept(district_chairman, nomination)) == (
        False,
        "appraisal",
        "Hồ sơ chưa được Nội vụ thẩm định.",
    )
    assert answer_of(NominationPolicy.accept(org.chairman_a, nomination))[1] == "role"  # not the issuer's chairman


def test_period_policy_table(org, plan):
    assert PeriodAwardsPolicy.propose(org.staff_a, plan.period).allowed
    assert PeriodAwardsPolicy.propose(None, plan.period).allowed  # the period close, a command
    assert answer_of(PeriodAwardsPolicy.propose(org.noi_vu, plan.period))[1] == "role"
    plan.period.standings.update(frozen=False)
    assert answer_of(PeriodAwardsPolicy.propose(org.chairman_a, plan.period)) == (
        False,
        "not_ready",
        "Đợt này chưa chốt xếp hạng, chưa thể xét đề xuất.",
    )
    assert PeriodAwardsPolicy.record_council(org.admin_a, plan.period).allowed
    assert answer_of(PeriodAwardsPolicy.record_council(org.noi_vu, plan.period))[1] == "role"
    assert PeriodAwardsPolicy.home_affairs(org.noi_vu).allowed
    assert answer_of(PeriodAwardsPolicy.home_affairs(org.chairman_a)) == (
        False,
        "role",
        "Trang này dành cho cơ quan Nội vụ.",
    )


# Decisions --------------------------------------------------------------------------------------------------------

SIGNER_ONLY = "Chỉ Chủ tịch hoặc Phó Chủ tịch của UBND xã An Bình được ký quyết định này."
DRAFTER_ONLY = "Chỉ lãnh đạo hoặc quản trị của đơn vị ban hành được lập dự thảo."
DECISION_TABLE = [
    ("edit", "chairman_a", "draft", OK),
    ("edit", "admin_a", "draft", OK),
    (
        "edit",
        "chairman_a",
        "signed",
        (False, "status", "Quyết định đã ký không thể sửa; muốn sửa phải hủy quyết định (nêu lý do)."),
    ),
    ("edit", "admin_a", "annulled", (False, "status", "Quyết định đã bị hủy không thể sửa.")),
    ("edit", "staff_a", "draft", (False, "role", DRAFTER_ONLY)),
    ("edit", "noi_vu", "draft", (False, "role", DRAFTER_ONLY)),
    ("sign", "chairman_a", "draft", OK),
    ("sign", "deputy_a", "draft", OK),
    ("sign", "chairman_a", "signed", (False, "status", "Quyết định này đã được ký, không ký lại.")),
    ("sign", "admin_a", "draft", (False, "role", SIGNER_ONLY)),
    ("sign", "chairman_b", "draft", (False, "role", SIGNER_ONLY)),
    ("sign", "noi_vu_tinh", "draft", (False, "role", SIGNER_ONLY)),
    ("annul", "chairman_a", "signed", OK),
    ("annul", "chairman_a", "draft", (False, "status", "Dự thảo chưa ký thì bỏ dự thảo, không cần hủy.")),
    ("annul", "deputy_a", "annulled", (False, "status", "Quyết định này đã bị hủy trước đó.")),
    ("annul", "staff_a", "signed", (False, "role", SIGNER_ONLY)),
]


@pytest.fixture
def draft(org):
    period, award, _nominations = accepted_batch(org)
    return decision_services.create_draft_decision(
        period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5)
    )


@pytest.mark.parametrize(("action", "who", "status", "expected"), DECISION_TABLE)
def test_decision_policy_table(org, draft, action, who, status, expected):
    Decision.objects.filter(pk=draft.pk).update(status=status, annul_reason="Sai sót" if status == "annulled" else "")
    decision = Decision.objects.select_related("issuer").get(pk=draft.pk)
    assert answer_of(getattr(DecisionPolicy, action)(getattr(org, who), decision)) == expected


def test_a_chairman_whose_commune_has_ended_no_longer_signs(org, draft):
    org.commune_a.valid_to = dt.date(2024, 1, 1)
    org.commune_a.save(update_fields=["valid_to"])
    decision = Decision.objects.select_related("issuer").get(pk=draft.pk)
    assert answer_of(DecisionPolicy.sign(org.chairman_a, decision))[1] == "role"


# The page and the service refuse alike --------------------------------------------------------------------------


def _reason_of_403(response) -> str:
    assert response.status_code == HTTPStatus.FORBIDDEN
    return response.content.decode()


@pytest.mark.parametrize(
    ("who", "url", "call", "reason"),
    [
        (
            "chairman_a",
            "awards:nomination_prepare",
            lambda setup, user: services.mark_prepared(nomination=setup.leader, by=user),
            OFFICE_ONLY,
        ),
        (
            "noi_vu",
            "awards:nomination_submit",
            lambda setup, user: services.submit_nomination(nomination=setup.leader, by=user),
            SUBMIT_ONLY,
        ),
        (
            "staff_a",
            "awards:nomination_reject",
            lambda setup, user: services.reject_nomination(nomination=setup.leader, reason="Không", by=user),
            CHAIRMAN_ONLY,
        ),
        (
            "admin_a",
            "awards:nomination_accept",
            lambda setup, user: services.accept_nomination(nomination=setup.leader, by=user),
            CHAIRMAN_ONLY,
        ),
        (
            "chairman_a",
            "awards:nomination_appraise",
            lambda setup, user: services.appraise_nomination(nomination=setup.leader, agree=True, comment="", by=user),
            NOI_VU_ONLY,
        ),
    ],
)
def test_a_service_called_directly_by_the_wrong_role_refuses_with_the_pages_reason(
    client, org, plan, who, url, call, reason
):
    user = getattr(org, who)
    with pytest.raises(PermissionDenied) as error:
        call(plan, user)
    assert str(error.value) == reason
    client.force_login(user)
    assert reason in _reason_of_403(
        client.post(reverse(url, args=[plan.leader.pk]), {"version": plan.leader.version, "reason": "Không"})
    )
    plan.leader.refresh_from_db()
    assert (plan.leader.status, plan.leader.transitions.count()) == ("proposed", 1)


def test_signing_directly_by_the_wrong_role_refuses_with_the_pages_reason(client, org, draft):
    with pytest.raises(PermissionDenied) as error:
        decision_services.sign_decision(decision=draft, by=org.admin_a, password="x")
    assert str(error.value) == SIGNER_ONLY
    client.force_login(org.admin_a)
    assert SIGNER_ONLY in _reason_of_403(client.get(reverse("awards:decision_sign", args=[draft.pk])))
    draft.refresh_from_db()
    assert draft.status == Decision.Status.DRAFT


def _submit(setup, nomination, staff) -> Nomination:
    services.record_condition_check(nomination=nomination, condition=setup.condition, confirmed=True, by=staff)
    for requirement in (setup.report, setup.submission):
        services.attach_dossier_file(
            nomination=nomination, requirement=requirement, by=staff, upload=SimpleUploadedFile("ho-so.pdf", PDF_BYTES)
        )
    services.mark_prepared(nomination=nomination, by=staff)
    return services.submit_nomination(nomination=nomination, by=staff)


def test_accept_below_the_council_threshold_is_shown_refused_with_the_reason_not_offered(client, org, plan):
    leader = _submit(plan, plan.leader, org.staff_a)
    services.record_council_meeting(
        period=plan.period,
        held_on=dt.date(2024, 7, 20),
        members_total=10,
        members_present=9,
        secret_ballot=True,
        votes={leader.pk: 6},
        by=org.chairman_a,
    )
    reason = (
        "Không thể chấp thuận Bộ phận Địa chính A: chỉ được 6/10 phiếu đồng ý, dưới ngưỡng 70,00% tổng số thành viên "
        "Hội đồng."
    )
    answer = NominationPolicy.accept(org.chairman_a, leader)
    assert answer_of(answer) == (False, "council", reason)
    assert shown_refusal(answer) == reason

    client.force_login(org.chairman_a)
    page = client.get(reverse("awards:nomination_detail", args=[leader.pk])).content.decode()
    assert reverse("awards:nomination_accept", args=[leader.pk]) not in page  # not offered
    assert f'title="{reason}"' in page and "disabled" in page and reason in page  # shown refused, with the reason
    assert reverse("awards:nomination_reject", args=[leader.pk]) in page  # rejecting is still open

    confirm = client.get(reverse("awards:nomination_accept", args=[leader.pk])).content.decode()
    assert reason in confirm and "disabled" in confirm

    with pytest.raises(ValidationError) as error:  # the service, called directly, says the same
        services.accept_nomination(nomination=leader, by=org.chairman_a)
    assert error.value.messages == [reason]
    response = client.post(
        reverse("awards:nomination_accept", args=[leader.pk]), {"version": leader.version, "confirm": "on"}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST and reason in response.content.decode()
    leader.refresh_from_db()
    assert leader.status == "submitted"


def test_an_incomplete_dossier_shows_complete_disabled_with_what_is_missing(client, org, plan):
    client.force_login(org.staff_a)
    page = client.get(reverse("awards:nomination_detail", args=[plan.leader.pk])).content.decode()
    reason = "Chưa xác nhận đạt các tiêu chuẩn: Nội bộ đoàn kết, không có cá nhân bị kỷ luật."
    assert reverse("awards:nomination_prepare", args=[plan.leader.pk]) not in page
    assert f'title="{reason}"' in page
    services.record_condition_check(nomination=plan.leader, condition=plan.condition, confirmed=True, by=org.staff_a)
    page = client.get(reverse("awards:nomination_detail", args=[plan.leader.pk])).content.decode()
    assert 'title="Còn thiếu tài liệu: Báo cáo thành tích; Tờ trình."' in page


def test_users_without_the_role_see_no_refused_buttons(client, org, plan):
    client.force_login(org.noi_vu)
    page = client.get(reverse("awards:nomination_detail", args=[plan.leader.pk])).content.decode()
    for label in ("Hoàn tất hồ sơ", "Chấp thuận", "Trình hồ sơ"):
        assert label not in page
    assert "disabled" not in page


def test_the_detail_page_asks_every_policy_within_a_query_budget(client, org, plan, django_assert_max_num_queries):
    leader = _submit(plan, plan.leader, org.staff_a)
    for who in (org.chairman_a, org.staff_a, org.noi_vu):
        client.force_login(who)
        with django_assert_max_num_queries(22):
            assert client.get(reverse("awards:nomination_detail", args=[leader.pk])).status_code == HTTPStatus.OK


def test_rerunning_the_quota_engine_before_the_standings_are_frozen_is_shown_refused(client, org, plan):
    plan.period.standings.update(frozen=False)
    reason = "Đợt này chưa chốt xếp hạng, chưa thể xét đề xuất."
    client.force_login(org.staff_a)
    page = client.get(reverse("awards:nomination_list", args=[plan.period.pk])).content.decode()
    assert reverse("awards:nomination_propose", args=[plan.period.pk]) not in page
    assert f'title="{reason}"' in page
    with pytest.raises(ValidationError) as error:
        services.propose_for_period(period=plan.period, by=org.staff_a)
    assert error.value.messages == [reason]
    response = client.post(reverse("awards:nomination_propose", args=[plan.period.pk]), follow=True)
    assert reason in response.content.decode()
    assert Nomination.objects.get(pk=plan.leader.pk).status == "proposed"
