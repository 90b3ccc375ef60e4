"""The Hội đồng TĐKT: votes per nominee against the plan's threshold (% of all members) before the chairman accepts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import CouncilMeeting, Nomination
from awards.services import nominations as services
from tests.awards.nominations_setup import PDF_BYTES, commune_plan

pytestmark = pytest.mark.django_db


def submit(setup, nomination, staff):
    services.record_condition_check(nomination=nomination, condition=setup.condition, confirmed=True, by=staff)
    for requirement in (setup.report, setup.submission):
        services.attach_dossier_file(
            nomination=nomination, requirement=requirement, by=staff, upload=SimpleUploadedFile("ho-so.pdf", PDF_BYTES)
        )
    services.mark_prepared(nomination=nomination, by=staff)
    return services.submit_nomination(nomination=nomination, by=staff)


@pytest.fixture
def submitted(org):
    setup = commune_plan(org, vote_threshold=70)
    services.propose_for_period(period=setup.period)
    setup.leader = submit(setup, Nomination.objects.get(participant=setup.collectives[0]), org.staff_a)
    return setup


def meet(setup, by, votes, total=10, present=9):
    return services.record_council_meeting(
        period=setup.period,
        held_on=dt.date(2024, 7, 20),
        members_total=total,
        members_present=present,
        secret_ballot=True,
        votes=votes,
        by=by,
    )


def test_threshold_is_a_share_of_all_members_not_of_those_present(submitted, org):
    meet(submitted, org.chairman_a, {submitted.leader.pk: 6}, total=10, present=7)  # 6/7 present, but 6/10 < 70 %
    with pytest.raises(ValidationError) as error:
        services.accept_nomination(nomination=submitted.leader, by=org.chairman_a)
    assert "chỉ được 6/10 phiếu đồng ý, dưới ngưỡng 70,00%" in error.value.messages[0]
    submitted.leader.refresh_from_db()
    assert submitted.leader.status == "submitted"


def test_a_nominee_at_the_threshold_can_be_accepted(submitted, org):
    meeting = meet(submitted, org.chairman_a, {submitted.leader.pk: 7})
    assert meeting.threshold_percent == Decimal("70.00")
    accepted = services.accept_nomination(nomination=submitted.leader, by=org.chairman_a)
    assert accepted.status == "accepted"


def test_a_later_meeting_replaces_an_earlier_vote(submitted, org):
    meet(submitted, org.staff_a, {submitted.leader.pk: 3})
    services.record_council_meeting(
        period=submitted.period,
        held_on=dt.date(2024, 7, 25),
        members_total=10,
        members_present=10,
        secret_ballot=False,
        votes={submitted.leader.pk: 9},
        by=org.chairman_a,
    )
    assert services.accept_nomination(nomination=submitted.leader, by=org.chairman_a).status == "accepted"


def test_no_council_vote_no_acceptance(submitted, org):
    with pytest.raises(ValidationError, match="Chưa có kết quả bỏ phiếu của Hội đồng"):
        services.accept_nomination(nomination=submitted.leader, by=org.chairman_a)


def test_bad_meeting_figures_are_refused_and_nothing_is_recorded(submitted, org):
    with pytest.raises(ValidationError) as error:
        meet(submitted, org.chairman_a, {submitted.leader.pk: 9}, total=10, present=8)
    assert "vượt số thành viên có mặt" in " ".join(error.value.messages)
    proposed = Nomination.objects.get(participant=submitted.individuals[0])
    with pytest.raises(ValidationError, match="chưa được trình"):
        meet(submitted, org.chairman_a, {proposed.pk: 5})
    assert not CouncilMeeting.objects.exists()


def test_tie_at_the_cut_the_chairman_must_choose(org):
    setup = commune_plan(org)
    for standing in setup.standings[:2]:
        standing.rank, standing.tied = 1, True
        standing.save()
    services.propose_for_period(period=setup.period)
    first, second = (Nomination.objects.get(participant=p) for p in setup.collectives[:2])
    assert first.tied_at_cut and second.tied_at_cut
    submit(setup, first, org.staff_a)
    submit(setup, second, org.staff_a)
    meet(setup, org.chairman_a, {first.pk: 9, second.pk: 9})
    services.accept_nomination(nomination=first, by=org.chairman_a)
    with pytest.raises(ValidationError, match="đã đủ chỉ tiêu 1 tập thể"):
        services.accept_nomination(nomination=second, by=org.chairman_a)
    services.reject_nomination(
        nomination=second, reason="Chủ tịch chọn Bộ phận Địa chính (đồng hạng)", by=org.chairman_a
    )


def test_council_page_records_votes_and_shows_the_result(client, submitted, org):
    client.force_login(org.chairman_a)
    url = reverse("awards:council_meeting", args=[submitted.period.pk])
    page = client.get(url)
    assert page.status_code == 200 and submitted.leader.name in page.content.decode()
    bad = client.post(
        url, {"held_on": "2024-07-20", "members_total": 5, "members_present": 6, f"votes_{submitted.leader.pk}": 3}
    )
    assert bad.status_code == 400
    assert "không được vượt tổng số thành viên" in bad.content.decode()
    response = client.post(
        url,
        {
            "held_on": "2024-07-20",
            "members_total": 5,
            "members_present": 5,
            "secret_ballot": "on",
            f"votes_{submitted.leader.pk}": 3,
        },
    )
    assert response.status_code == 302
    text = client.get(url).content.decode()
    assert "3/5" in text and "Dưới ngưỡng" in text
    accept = client.post(
        reverse("awards:nomination_accept", args=[submitted.leader.pk]),
        {"version": Nomination.objects.get(pk=submitted.leader.pk).version, "confirm": "on"},
    )
    assert accept.status_code == 400
    assert "dưới ngưỡng 70,00%" in accept.content.decode()
