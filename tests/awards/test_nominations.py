"""Proposals from frozen standings and the nomination workflow (services)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from awards.models import ConditionCheck, Nomination, ProposalNote
from awards.services import nominations as services
from tests.awards.nominations_setup import PDF_BYTES, commune_plan
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(org):
    return commune_plan(org)


def names(nominations) -> list[str]:
    return sorted(n.name for n in nominations)


def test_propose_takes_one_collective_and_two_individuals_with_reasons(plan):
    nominations = services.propose_for_period(period=plan.period)
    assert names(nominations) == sorted(["Bộ phận Địa chính A", "Nguyễn Văn An A", "Trần Thị Bình A"])
    first = Nomination.objects.get(participant=plan.collectives[0])
    assert first.reason == "Được đề xuất vì xếp hạng 1/3 khối Bộ phận, tỷ lệ điểm 95,50%, đủ số liệu"
    assert first.unit_name == "Xã An Bình"
    assert first.transitions.get().to_status == "proposed"
    note = ProposalNote.objects.get(participant=plan.collectives[1])
    assert (note.proposed, note.reason) == (False, "Không được đề xuất vì đã đủ chỉ tiêu 1 tập thể")
    assert ProposalNote.objects.filter(period=plan.period).count() == 7


def test_propose_twice_gives_the_same_nominations(plan):
    first = services.propose_for_period(period=plan.period)
    second = services.propose_for_period(period=plan.period)
    assert [n.pk for n in first] == [n.pk for n in second]
    assert Nomination.objects.count() == 3
    assert ProposalNote.objects.count() == 7
    assert all(n.transitions.count() == 1 for n in Nomination.objects.all())


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_proposals_never_duplicate(org):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks between two connections are checked on PostgreSQL.")
    setup = commune_plan(org)
    outcomes = run_at_once(*[lambda: services.propose_for_period(period=setup.period)] * 2)
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert errors == []
    assert Nomination.objects.filter(period=setup.period).count() == 3
    assert all(n.transitions.count() == 1 for n in Nomination.objects.filter(period=setup.period))


def test_a_condition_marked_not_met_hands_the_place_to_the_next(plan, org):
    services.propose_for_period(period=plan.period)
    leader = Nomination.objects.get(participant=plan.collectives[0])
    services.record_condition_check(
        nomination=leader, condition=plan.condition, confirmed=False, note="Có cán bộ bị khiển trách", by=org.staff_a
    )
    services.propose_for_period(period=plan.period)
    leader.refresh_from_db()
    assert leader.status == "withdrawn"
    assert leader.reason.startswith("Không được đề xuất vì không đạt tiêu chuẩn")
    runner_up = Nomination.objects.get(participant=plan.collectives[1])
    assert runner_up.status == "proposed"
    # Corrected check: the leader comes back and the runner-up leaves, never duplicated.
    ConditionCheck.objects.filter(nomination=leader).update(confirmed=True)
    services.propose_for_period(period=plan.period)
    leader.refresh_from_db()
    runner_up.refresh_from_db()
    assert (leader.status, runner_up.status) == ("proposed", "withdrawn")
    assert Nomination.objects.count() == 4


def test_nominations_past_proposed_are_never_removed(plan, org):
    services.propose_for_period(period=plan.period)
    leader = Nomination.objects.get(participant=plan.collectives[0])
    Nomination.objects.filter(pk=leader.pk).update(status="submitted")
    ConditionCheck.objects.create(nomination=leader, condition=plan.condition, confirmed=False)
    services.propose_for_period(period=plan.period)
    leader.refresh_from_db()
    assert leader.status == "submitted"


def test_nomination_keeps_the_names_it_was_made_with(plan):
    services.propose_for_period(period=plan.period)
    person = plan.people[0]
    person.full_name, person.position = "Nguyễn Văn An (đã đổi tên)", "Phó Chủ tịch"
    person.save()
    services.propose_for_period(period=plan.period)
    nomination = Nomination.objects.get(participant=plan.individuals[0])
    assert (nomination.name, nomination.position) == ("Nguyễn Văn An A", "Công chức")


def full_path(plan, org) -> Nomination:
    """Propose, check, attach, prepare and submit the leading collective."""
    services.propose_for_period(period=plan.period)
    nomination = Nomination.objects.get(participant=plan.collectives[0])
    services.record_condition_check(nomination=nomination, condition=plan.condition, confirmed=True, by=org.staff_a)
    for requirement in (plan.report, plan.submission):
        services.attach_dossier_file(
            nomination=nomination,
            requirement=requirement,
            upload=SimpleUploadedFile("to trinh.pdf", PDF_BYTES),
            by=org.staff_a,
        )
    services.mark_prepared(nomination=nomination, by=org.staff_a)
    return services.submit_nomination(nomination=nomination, by=org.staff_a)


def test_prepare_needs_every_condition_and_document(plan, org):
    services.propose_for_period(period=plan.period)
    nomination = Nomination.objects.get(participant=plan.collectives[0])
    with pytest.raises(ValidationError, match="Chưa xác nhận đạt các tiêu chuẩn"):
        services.mark_prepared(nomination=nomination, by=org.staff_a)
    services.record_condition_check(nomination=nomination, condition=plan.condition, confirmed=True, by=org.staff_a)
    with pytest.raises(ValidationError, match="Còn thiếu tài liệu: Báo cáo thành tích; Tờ trình"):
        services.mark_prepared(nomination=nomination, by=org.staff_a)


def test_the_workflow_writes_one_transition_per_step(plan, org):
    nomination = full_path(plan, org)
    services.record_council_meeting(
        period=plan.period,
        held_on=plan.period.end,
        members_total=7,
        members_present=6,
        secret_ballot=True,
        votes={nomination.pk: 5},
        by=org.chairman_a,
    )
    nomination = services.accept_nomination(nomination=nomination, by=org.chairman_a)
    steps = [(t.from_status, t.to_status) for t in nomination.transitions.order_by("at", "pk")]
    assert steps == [
        ("", "proposed"),
        ("proposed", "prepared"),
        ("prepared", "submitted"),
        ("submitted", "submitted"),
        ("submitted", "accepted"),
    ]
    assert nomination.transitions.last().by == org.chairman_a


def test_reject_needs_a_reason(plan, org):
    services.propose_for_period(period=plan.period)
    nomination = Nomination.objects.get(participant=plan.collectives[0])
    with pytest.raises(ValidationError, match="Phải ghi lý do không chấp thuận"):
        services.reject_nomination(nomination=nomination, reason="  ", by=org.chairman_a)
    nomination.refresh_from_db()
    assert nomination.status == "proposed"
    nomination = services.reject_nomination(nomination=nomination, reason="Chưa tiêu biểu", by=org.chairman_a)
    assert (nomination.status, nomination.reject_reason) == ("rejected", "Chưa tiêu biểu")
    assert nomination.transitions.last().reason == "Chưa tiêu biểu"


def test_only_the_chairman_decides(plan, org):
    services.propose_for_period(period=plan.period)
    nomination = Nomination.objects.get(participant=plan.collectives[0])
    for user in (org.staff_a, org.noi_vu, org.chairman_b):
        with pytest.raises(PermissionDenied):
            services.reject_nomination(nomination=nomination, reason="Không", by=user)


def test_chairman_cannot_add_past_the_quota(plan, org):
    services.propose_for_period(period=plan.period)
    with pytest.raises(ValidationError, match="đã đủ chỉ tiêu 1 tập thể"):
        services.add_nomination_by_hand(
            period=plan.period,
            participant=plan.collectives[2],
            quota_rule=plan.rule_units,
            reason="Có sáng kiến",
            by=org.chairman_a,
        )
    leader = Nomination.objects.get(participant=plan.collectives[0])
    services.reject_nomination(nomination=leader, reason="Không tiêu biểu", by=org.chairman_a)
    with pytest.raises(ValidationError, match="Phải ghi lý do"):
        services.add_nomination_by_hand(
            period=plan.period,
            participant=plan.collectives[2],
            quota_rule=plan.rule_units,
            reason="",
            by=org.chairman_a,
        )
    added = services.add_nomination_by_hand(
        period=plan.period,
        participant=plan.collectives[2],
        quota_rule=plan.rule_units,
        reason="Có sáng kiến",
        by=org.chairman_a,
    )
    assert (added.added_by_hand, added.status, added.reason) == (True, "proposed", "Bổ sung thủ công: Có sáng kiến")
    with pytest.raises(PermissionDenied):
        services.add_nomination_by_hand(
            period=plan.period, participant=plan.collectives[1], quota_rule=plan.rule_units, reason="x", by=org.staff_a
        )


def test_stale_version_is_refused_with_a_conflict_message(plan, org):
    services.propose_for_period(period=plan.period)
    nomination = Nomination.objects.get(participant=plan.collectives[0])
    version = nomination.version
    services.record_condition_check(
        nomination=nomination, condition=plan.condition, confirmed=True, by=org.staff_a, expected_version=version
    )
    with pytest.raises(ValidationError, match="vừa được người khác cập nhật"):
        services.reject_nomination(nomination=nomination, reason="Trùng", by=org.chairman_a, expected_version=version)


def test_upload_is_checked_by_content_and_stored_with_its_hash(plan, org, settings):
    services.propose_for_period(period=plan.period)
    nomination = Nomination.objects.get(participant=plan.collectives[0])
    with pytest.raises(ValidationError, match="Chỉ nhận tệp PDF"):
        services.attach_dossier_file(
            nomination=nomination,
            requirement=plan.report,
            by=org.staff_a,
            upload=SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf"),
        )
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="Tệp quá lớn"):
        services.attach_dossier_file(
            nomination=nomination,
            requirement=plan.report,
            by=org.staff_a,
            upload=SimpleUploadedFile("a.pdf", PDF_BYTES + b"0" * 200),
        )
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    stored = services.attach_dossier_file(
        nomination=nomination,
        requirement=plan.report,
        by=org.staff_a,
        upload=SimpleUploadedFile("../../Báo cáo <thành tích>.exe", PDF_BYTES),
    )
    assert stored.original_name == "Báo cáo thành tích.pdf"
    assert stored.content_type == "application/pdf"
    assert len(stored.sha256) == 64
    assert str(settings.MEDIA_ROOT) in stored.file.path and "static" not in stored.file.name
    assert nomination.files.count() == 1
