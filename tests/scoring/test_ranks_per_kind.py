"""Issue 14: a group holding collectives and individuals is two ranking lists. Every printed "N/M" (page, proposal,
nomination, decision, certificate, Excel) comes from the participant's own list, and relative criteria compare
within it."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from decimal import Decimal
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from awards.models import Decision, Nomination, ProposalNote, QuotaRule
from awards.pdf import decision_context
from awards.reference import sync_reference
from awards.services.decisions import create_draft_decision
from awards.services.nominations import propose_for_period
from campaigns.models import Person
from scoring.models import PeriodRecompute, Score, Standing
from scoring.ranking import ranked_rows
from scoring.selectors import participant_breakdown, standing_of
from scoring.services.scores import freeze_standings, recompute_participant, recompute_period
from tests.awards.decision_data import giay_khen_xa
from tests.factories import GroupFactory, PeriodFactory, PlanFactory, collective, individual, make_unit
from tests.scoring.scoring_helpers import criterion, indicator, read

pytestmark = pytest.mark.django_db

RANK_TEXT = re.compile(r"[Xx]ếp hạng (\d+)/(\d+)")

# Online dossiers per participant: the departments handle far more than any one official.
COLLECTIVE_COUNTS = {"Địa chính": 930, "Tư pháp": 600, "Văn hóa": 300}
INDIVIDUAL_COUNTS = {"Nguyễn Văn An": 240, "Trần Thị Bình": 200, "Lê Văn Cường": 100, "Phạm Thị Dung": 50}


def _mixed_group(org) -> SimpleNamespace:
    """Ninh Thuận's shape: one group holding 3 departments (collectives) and 4 officials (individuals)."""
    plan = PlanFactory(issuer=org.commune_a, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), status="active")
    period = PeriodFactory(plan=plan, start=dt.date(2024, 1, 1), end=dt.date(2024, 3, calendar.monthrange(2024, 3)[1]))
    group = GroupFactory(plan=plan, name="Khối cơ quan")
    sections = {
        name: make_unit(f"T-H-A-{i}", f"Bộ phận {name}", "bo_phan", org.commune_a)
        for i, name in enumerate(COLLECTIVE_COUNTS, start=1)
    }
    collectives = {name: collective(plan, unit, group) for name, unit in sections.items()}
    units = list(sections.values())
    individuals = {
        name: individual(plan, Person.objects.create(full_name=name, position="Công chức", unit=units[i % 3]), group)
        for i, name in enumerate(INDIVIDUAL_COUNTS)
    }
    digitised = indicator("so-hoa")
    online = indicator("ho-so-truc-tuyen", kind="count", unit_label="hồ sơ")
    c_digitised = criterion(plan, digitised, 1, 90, 10)
    c_online = criterion(plan, online, 2, None, 10, rule="relative")  # "the most gets full points": no target
    counts = {**{p.pk: COLLECTIVE_COUNTS[n] for n, p in collectives.items()}}
    counts.update({p.pk: INDIVIDUAL_COUNTS[n] for n, p in individuals.items()})
    for participant in [*collectives.values(), *individuals.values()]:
        for month in (1, 2, 3):  # the same figure each month: the period sums them, the ratios stay
            read(participant, digitised, period, month, 95, 100)
            read(participant, online, period, month, value=counts[participant.pk])
    recompute_period(period=period, as_of=dt.date(2024, 3, 31))
    return SimpleNamespace(
        plan=plan,
        period=period,
        group=group,
        collectives=collectives,
        individuals=individuals,
        online=online,
        c_online=c_online,
        c_digitised=c_digitised,
    )


def _ranks(period, participants: dict) -> dict[str, int]:
    by_id = {p.pk: name for name, p in participants.items()}
    return {by_id[s.participant_id]: s.rank for s in Standing.objects.filter(period=period, participant_id__in=by_id)}


def _online_points(mixed, participant) -> Decimal:
    """The relative points as the drill-down shows them now (scored against the list's best when read)."""
    breakdown = participant_breakdown(participant=participant, period=mixed.period)
    return next(row.score.points for row in breakdown.rows if row.criterion.pk == mixed.c_online.pk)


def _ranked(period) -> list[tuple]:
    return sorted(
        (row.participant_id, row.rank, row.tied, row.total_cents, row.ratio_cents, row.size)
        for row in ranked_rows(period_id=period.pk, plan_id=period.plan_id)
    )


def test_collectives_and_individuals_of_one_group_are_ranked_in_two_lists(org):
    mixed = _mixed_group(org)
    assert _ranks(mixed.period, mixed.collectives) == {"Địa chính": 1, "Tư pháp": 2, "Văn hóa": 3}
    assert _ranks(mixed.period, mixed.individuals) == {
        "Nguyễn Văn An": 1,
        "Trần Thị Bình": 2,
        "Lê Văn Cường": 3,
        "Phạm Thị Dung": 4,
    }


def test_the_relative_best_is_the_best_of_the_same_kind_in_the_group(org):
    mixed = _mixed_group(org)
    # The official with 240 dossiers is the best official: full points, not 10 × 240/930 = 2,58.
    assert _online_points(mixed, mixed.individuals["Nguyễn Văn An"]) == Decimal("10.00")
    assert _online_points(mixed, mixed.individuals["Trần Thị Bình"]) == Decimal("8.33")  # 10 × 200/240
    assert _online_points(mixed, mixed.collectives["Tư pháp"]) == Decimal("6.45")  # 10 × 600/930
    # A save that moves the officials' best leaves the departments' points alone, and equals a full recompute.
    an = mixed.individuals["Nguyễn Văn An"]
    an.readings.filter(indicator=mixed.online).update(value=Decimal(400))  # 400 a month
    recompute_participant(participant=an, period=mixed.period)
    assert _online_points(mixed, mixed.individuals["Trần Thị Bình"]) == Decimal("5.00")  # 10 × 200/400
    assert _online_points(mixed, mixed.collectives["Tư pháp"]) == Decimal("6.45")
    saved = _ranked(mixed.period)
    recompute_period(period=mixed.period, as_of=dt.date(2024, 3, 31))
    assert saved == _ranked(mixed.period)  # ranking at read time after one save = a full recompute


def test_a_participant_alone_in_its_group_and_kind_is_its_own_best(org):
    mixed = _mixed_group(org)
    lone_group = GroupFactory(plan=mixed.plan, name="Khối riêng")
    person = Person.objects.create(full_name="Võ Thị Em", position="Công chức", unit=org.section_a)
    alone = individual(mixed.plan, person, lone_group)
    for month in (1, 2, 3):
        read(alone, indicator("ho-so-truc-tuyen"), mixed.period, month, value=3)
    recompute_participant(participant=alone, period=mixed.period)
    assert _online_points(mixed, alone) == Decimal("10.00")
    standing = standing_of(period=mixed.period, participant=alone)
    assert (standing.rank, standing.list_size) == (1, 1)


def test_a_relative_criterion_without_target_is_never_counted_as_met(org):
    mixed = _mixed_group(org)
    best = Score.objects.get(period=mixed.period, participant=mixed.collectives["Địa chính"], criterion=mixed.c_online)
    assert best.points == Decimal("10.00") and not best.target_met
    standing = Standing.objects.get(period=mixed.period, participant=mixed.collectives["Địa chính"])
    assert standing.targets_met == 1  # only the digitisation target; the relative one has none


def test_the_standings_page_shows_collectives_and_individuals_apart(client, org):
    mixed = _mixed_group(org)
    client.force_login(org.chairman_a)
    url = reverse("scoring:standing_list", args=[mixed.period.pk])
    department = reverse("scoring:standing_detail", args=[mixed.period.pk, mixed.collectives["Địa chính"].pk])
    official = reverse("scoring:standing_detail", args=[mixed.period.pk, mixed.individuals["Nguyễn Văn An"].pk])
    collectives = client.get(url).content.decode()
    assert department in collectives and official not in collectives
    assert ">Tập thể</a>" in collectives and ">Cá nhân</a>" in collectives
    individuals = client.get(url, {"loai": "ca-nhan"}).content.decode()
    assert official in individuals and department not in individuals


def test_the_standings_export_has_one_sheet_per_group_and_kind(client, org):
    mixed = _mixed_group(org)
    client.force_login(org.chairman_a)
    response = client.get(reverse("scoring:standing_export", args=[mixed.period.pk]))
    assert response.status_code == HTTPStatus.OK
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Khối cơ quan – Tập thể", "Khối cơ quan – Cá nhân"]
    ranks = [row[0] for row in book["Khối cơ quan – Cá nhân"].iter_rows(min_row=5, values_only=True)]
    assert ranks == [1, 2, 3, 4]


def _propose(org, mixed) -> None:
    freeze_standings(period=mixed.period)
    mixed.period.status = "closed"
    mixed.period.save(update_fields=["status"])
    QuotaRule.objects.create(
        plan=mixed.plan, group=mixed.group, award_kind=giay_khen_xa(), max_collectives=1, max_individuals=2
    )
    propose_for_period(period=mixed.period)


def _all_ranks_fit(text: str) -> list[tuple[int, int]]:
    found = [(int(rank), int(size)) for rank, size in RANK_TEXT.findall(text)]
    assert all(rank <= size for rank, size in found), found
    return found


def test_proposals_nominations_decision_and_certificates_print_ranks_within_their_list(org):
    mixed = _mixed_group(org)
    _propose(org, mixed)
    achievements = dict(Nomination.objects.filter(period=mixed.period).values_list("name", "achievement"))
    assert achievements["Bộ phận Địa chính"].startswith("Xếp hạng 1/3 khối cơ quan,")
    assert achievements["Nguyễn Văn An"].startswith("Xếp hạng 1/4 khối cơ quan,")
    assert achievements["Trần Thị Bình"].startswith("Xếp hạng 2/4 khối cơ quan,")
    notes = " ".join(ProposalNote.objects.filter(period=mixed.period).values_list("reason", flat=True))
    assert (2, 4) in _all_ranks_fit(notes)

    sync_reference()
    Nomination.objects.filter(period=mixed.period).update(status="accepted")
    decision = create_draft_decision(
        period=mixed.period, award_kind=giay_khen_xa(), by=org.chairman_a, signed_on=dt.date(2024, 8, 1)
    )
    context = decision_context(decision)
    printed = render_to_string("awards/pdf/decision.html", context)
    assert {(1, 3), (1, 4), (2, 4)} <= set(_all_ranks_fit(printed))
    context["issuer_upper"] = "ỦY BAN NHÂN DÂN XÃ AN BÌNH"
    certificates = render_to_string("awards/pdf/certificate.html", context)
    # Certificates carry no figures (issue 18): no rank, no "tỷ lệ điểm"; whatever they print still fits its list.
    assert _all_ranks_fit(certificates) == [] and "tỷ lệ điểm" not in certificates


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    collectives=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=4),
    individuals=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=6),
)
def test_no_printed_rank_exceeds_the_size_of_its_list(org, collectives, individuals):
    plan = PlanFactory(issuer=org.commune_a, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), status="active")
    period = PeriodFactory(plan=plan, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))
    group = GroupFactory(plan=plan, name="Khối chung")
    online = indicator("ho-so-truc-tuyen", kind="count")
    criterion(plan, online, 1, None, 10, rule="relative")
    participants = []
    for i, count in enumerate(collectives):
        unit = make_unit(f"P-{plan.pk}-{i}", f"Bộ phận {i}", "bo_phan", org.commune_a)
        participants.append((collective(plan, unit, group), count))
    for i, count in enumerate(individuals):
        person = Person.objects.create(full_name=f"Người {i}", unit=org.section_a)
        participants.append((individual(plan, person, group), count))
    for participant, count in participants:
        read(participant, online, period, 1, value=count)
    recompute_period(period=period, as_of=dt.date(2024, 1, 31))
    sizes = {"collective": len(collectives), "individual": len(individuals)}
    for standing in Standing.objects.filter(period=period):
        assert 1 <= standing.rank <= sizes[standing.kind]


def test_quan_tri_recomputes_a_closed_period_and_its_history_lists_who_moved(org):
    mixed = _mixed_group(org)
    _propose(org, mixed)
    # As closed before the fix: one list for both kinds ("Xếp hạng 5/4"), and a decision already signed on it.
    an = mixed.individuals["Nguyễn Văn An"]
    Standing.objects.filter(period=mixed.period, participant=an).update(rank=5)
    Nomination.objects.filter(period=mixed.period, participant=an).update(rank=5, achievement="Xếp hạng 5/4 khối")
    sync_reference()
    Nomination.objects.filter(period=mixed.period, participant__kind="collective").update(status="accepted")
    signed = create_draft_decision(
        period=mixed.period, award_kind=giay_khen_xa(), by=org.chairman_a, signed_on=dt.date(2024, 8, 1)
    )
    Decision.objects.filter(pk=signed.pk).update(status="signed", awardees=[{"achievement": "Xếp hạng 2/7 khối"}])

    with pytest.raises(CommandError, match="quản trị"):
        call_command("recompute_standings", period=mixed.period.pk, by=org.chairman_a.username, reason="Sửa luật")
    out = io.StringIO()
    call_command(
        "recompute_standings", period=mixed.period.pk, by=org.admin_a.username, reason="Xếp hạng theo loại", stdout=out
    )
    assert "Nguyễn Văn An: hạng 5 → 1" in out.getvalue()
    standing = Standing.objects.get(period=mixed.period, participant=an)
    assert standing.rank == 1 and standing.frozen
    assert Nomination.objects.get(period=mixed.period, participant=an).achievement.startswith("Xếp hạng 1/4")
    record = PeriodRecompute.objects.get(period=mixed.period)
    assert record.changes.splitlines() == ["Nguyễn Văn An: hạng 5 → 1, điểm 20,00 → 20,00"]
    assert mixed.period.history.first().history_change_reason.startswith("Tính lại xếp hạng: 1 đối tượng")
    assert Decision.objects.get(pk=signed.pk).awardees == [{"achievement": "Xếp hạng 2/7 khối"}]  # kept as signed


def test_the_upgrade_command_recomputes_open_periods_only(org):
    mixed = _mixed_group(org)
    Standing.objects.filter(period=mixed.period).update(rank=9)
    call_command("recompute_standings", stdout=io.StringIO())
    assert set(Standing.objects.filter(period=mixed.period).values_list("rank", flat=True)) == {1, 2, 3, 4}


def test_a_member_without_a_relative_value_gets_no_points_and_the_others_keep_theirs_at_the_close(org):
    """An official who sent no online-dossier figure this period: when the period closes, the others' relative
    points are stored against the best of those who sent one, and the official's criterion has no points."""
    mixed = _mixed_group(org)
    dung = mixed.individuals["Phạm Thị Dung"]
    dung.readings.filter(indicator=mixed.online).delete()
    recompute_period(period=mixed.period, as_of=dt.date(2024, 3, 31))
    freeze_standings(period=mixed.period)  # ranks and relative points written into the rows
    stored = dict(
        Score.objects.filter(period=mixed.period, criterion=mixed.c_online).values_list("participant_id", "points")
    )
    assert stored[mixed.individuals["Nguyễn Văn An"].pk] == Decimal("10.00")
    assert stored[mixed.individuals["Trần Thị Bình"].pk] == Decimal("8.33")  # 10 × 200/240, stored at the close
    assert stored.get(dung.pk, Decimal(0)) == Decimal(0)
