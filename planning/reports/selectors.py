"""What a period report (báo cáo sơ kết / tổng kết) and the period dashboard say, read through the selectors the
pages and exports already use: standings and ranks from scoring.selectors, completeness from
scoring.entry_selectors, the deadline from scoring.access, period values and colours from scoring.rules, nominations
and decisions from the awards selectors. Nothing here ranks, scores or totals on its own: it picks and counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from awards.models import Decision, Nomination
from campaigns.models import Group, Participant, Period, Plan
from scoring import rules, selectors
from scoring.access import entry_deadline
from scoring.entry_selectors import DashboardCell, dashboard_cells, dashboard_participants, plan_criteria
from scoring.models import Criterion, Reading, Score, Standing
from scoring.windows import Window, windows_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOP_COUNT = 3  # the head and the tail of each ranking list the report names
LIGHT_WORDS = {rules.MET: "Đạt", rules.CLOSE: "Gần đạt", rules.FAR: "Chưa đạt", "": "Không có chỉ tiêu"}


@dataclass
class WindowSending:
    """One reporting window (month): how many participants had to send, had all their figures, sent them, on time."""

    window: Window
    deadline: dt.date
    expected: int
    complete: int
    sent: int
    on_time: int


@dataclass
class UnitCompleteness:
    """One participant on the dashboard: its windows' cells and what is still missing (who has not sent)."""

    participant: Participant
    cells: list[DashboardCell]

    @property
    def missing(self) -> int:
        return sum(cell.missing for cell in self.cells)

    @property
    def unsent(self) -> int:
        """Windows whose figures are present but still drafts, or missing."""
        return sum(1 for cell in self.cells if cell.state in ("empty", "missing", "complete"))


@dataclass
class CriterionFigures:
    """A criterion over the participants the user sees in one period: its pooled value, how many met the target,
    the best and the worst participant."""

    applicable: int = 0
    met: int = 0
    pooled: rules.PeriodValue | None = None
    best: tuple[str, Decimal | None] | None = None
    worst: tuple[str, Decimal | None] | None = None
    answered: int = 0  # yes/no criteria: participants with an answer, and those answering yes
    yes: int = 0


@dataclass
class CriterionSummary:
    """Section II: one criterion, its target, this period's figures, the previous period's and the traffic light."""

    criterion: Criterion
    spec: rules.CriterionSpec
    target_text: str
    now: CriterionFigures
    before: CriterionFigures | None
    light: str  # rules.MET / CLOSE / FAR, "" without a target

    def text(self, value: Decimal | None) -> str:
        return rules.format_value(self.spec, value)

    @property
    def light_word(self) -> str:
        """The light in words (a colour is never the only sign)."""
        return LIGHT_WORDS[self.light]

    @property
    def light_class(self) -> str:
        return selectors.COLOUR_CLASSES[self.light]

    @property
    def pooled_text(self) -> str:
        """The value of the whole list: a pooled rate, an average count, or how many answered yes."""
        if self.spec.kind == rules.BOOLEAN:
            return f"{self.now.yes}/{self.now.answered} trả lời Có" if self.now.answered else "—"
        return self.text(self.now.pooled.value if self.now.pooled else None)

    @property
    def change_text(self) -> str:
        """The change of the pooled value since the previous period ("+2,50 điểm %" / "−3"), or "—"."""
        if self.before is None or self.before.pooled is None or self.now.pooled is None:
            return "—"
        now, before = self.now.pooled.value, self.before.pooled.value
        if now is None or before is None or self.spec.kind == rules.BOOLEAN:
            return "—"
        delta = now - before
        sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
        places = 2 if self.spec.kind == rules.RATE or delta != delta.to_integral_value() else 0
        unit = " điểm %" if self.spec.kind == rules.RATE else ""
        return f"{sign}{rules.format_number(abs(delta), places)}{unit}"


@dataclass
class RankingList:
    """Section III: one ranking list (group × kind) as the standings page shows it."""

    group: Group | None
    kind: str
    standings: list[Standing]

    @property
    def title(self) -> str:
        name = self.group.name if self.group else "Không thuộc khối"
        return f"{name} — {Participant.Kind(self.kind).label}"

    @property
    def top(self) -> list[Standing]:
        return self.standings[:TOP_COUNT]

    @property
    def bottom(self) -> list[Standing]:
        """The tail of the list, when the list is longer than its head (nobody named twice)."""
        return self.standings[max(TOP_COUNT, len(self.standings) - TOP_COUNT) :]


@dataclass
class AwardSummary:
    """Section IV: nominations by status and award kind, decisions signed and their amounts."""

    by_status: dict[str, int]
    by_kind: list[tuple[str, int, int]]  # award kind, proposed (all), accepted
    decisions_signed: int
    decisions_draft: int
    total_amount: int
    awardees: int

    @property
    def proposed(self) -> int:
        return sum(self.by_status.values())


@dataclass
class PeriodReport:
    """Everything a period's report prints and the dashboard shows, for one user (scoped) at one moment."""

    period: Period
    plan: Plan
    built_at: dt.datetime
    previous: Period | None
    participants: dict[str, int]  # kind → count the user sees
    sending: list[WindowSending]
    criteria: list[CriterionSummary]
    rankings: list[RankingList]
    awards: AwardSummary
    units: list[UnitCompleteness] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        """Figures of a period not yet closed can still change: "số liệu tạm tính"."""
        return self.period.status != Period.Status.CLOSED

    @property
    def participant_total(self) -> int:
        return sum(self.participants.values())

    @property
    def criteria_met(self) -> int:
        """Criteria whose pooled value meets the target."""
        return sum(1 for summary in self.criteria if summary.light == rules.MET)

    @property
    def waiting(self) -> list[UnitCompleteness]:
        """Participants with a window not yet sent or figures missing: who has not sent."""
        return [unit for unit in self.units if unit.unsent]


def previous_period(period: Period) -> Period | None:
    """The plan's period just before this one."""
    return Period.objects.filter(plan_id=period.plan_id, start__lt=period.start).order_by("-start").first()


def ranking_lists(*, period: Period, user: User) -> list[RankingList]:
    """The period's standings the user sees, cut into its ranking lists (group × kind) in display order: the same
    rows, ranks and totals as the standings page and its Excel export (scoring.selectors.standings_for)."""
    lists: dict[tuple[int | None, str], RankingList] = {}
    for standing in selectors.standings_for(period=period, user=user):
        key = (standing.group_id, standing.kind)
        if key not in lists:
            lists[key] = RankingList(standing.group, standing.kind, [])
        lists[key].standings.append(standing)
    return list(lists.values())


def _figures(
    period: Period, specs: dict[int, rules.CriterionSpec], participants: dict[int, str]
) -> dict[int, CriterionFigures]:
    """Per criterion, over these participants' stored scores of the period (one query): pooled value (rates pooled
    Σ numerators / Σ denominators by rules.period_value_from_totals, other kinds averaged per participant as the
    charts page does), how many met the target, the best and worst value with its participant."""
    figures: dict[int, CriterionFigures] = defaultdict(CriterionFigures)
    values: dict[int, list[tuple[str, rules.PeriodValue]]] = defaultdict(list)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    scores = Score.objects.filter(period=period, participant_id__in=list(participants), applicable=True).values_list(
        "criterion_id", "participant_id", "value", "numerator_total", "denominator_total", "target_met"
    )
    for criterion_id, participant_id, value, numerator, denominator, met in scores:
        spec = specs.get(criterion_id)
        if spec is None:
            continue
        entry = figures[criterion_id]
        entry.applicable += 1
        entry.met += bool(met)
        stored = rules.stored_period_value(spec, value, numerator, denominator)
        if stored.value is not None:
            values[criterion_id].append((participants[participant_id], stored))
        if spec.kind == rules.RATE and denominator is not None:
            totals[criterion_id][0] += 1
            totals[criterion_id][1] += numerator or 0
            totals[criterion_id][2] += denominator
    for criterion_id, spec in specs.items():
        entry = figures[criterion_id]
        present = values[criterion_id]
        if spec.kind == rules.RATE:
            count, numerator_sum, denominator_sum = totals[criterion_id]
            if count:
                entry.pooled = rules.period_value_from_totals(
                    rules.RATE,
                    rules.SUM,
                    rules.ReadingTotals(rate_count=count, numerator_sum=numerator_sum, denominator_sum=denominator_sum),
                )
        elif present:
            average = sum((Decimal(v.value or 0) for _name, v in present), Decimal(0)) / len(present)
            entry.pooled = rules.PeriodValue(rules.round4(average))
        if spec.kind == rules.BOOLEAN:
            entry.answered, entry.yes = len(present), sum(1 for _name, v in present if v.value)
        elif present:
            best = rules.best_value(spec.direction, [v.figure for _name, v in present])
            other = rules.LOWER if spec.direction != rules.LOWER else rules.HIGHER
            worst = rules.best_value(other, [v.figure for _name, v in present])
            entry.best = next((name, v.value) for name, v in present if v.figure == best)
            entry.worst = next((name, v.value) for name, v in present if v.figure == worst)
    return figures


def _light(spec: rules.CriterionSpec, figures: CriterionFigures) -> str:
    """The traffic light of a criterion: its pooled value judged as one participant's would be (rules.scorecard)."""
    pooled = figures.pooled
    if spec.target is None or pooled is None or pooled.figure is None:
        return ""
    result = rules.CriterionResult(
        criterion_id=spec.id,
        order=spec.order,
        max_points=spec.max_points,
        period=pooled,
        met=rules.target_met(spec, pooled.figure),
    )
    return rules.scorecard(spec, result)


def criterion_summaries(*, period: Period, previous: Period | None, user: User) -> list[CriterionSummary]:
    """Section II: each criterion of the plan with this period's and the previous period's figures."""
    criteria = plan_criteria(period.plan)
    specs = selectors.scored_specs(period, criteria)
    participants = dict(selectors.participants_for(user=user, period=period).values_list("pk", "name"))
    now = _figures(period, specs, participants)
    before = _figures(previous, selectors.scored_specs(previous, criteria), participants) if previous else None
    summaries = []
    for criterion in criteria:
        spec = specs[criterion.pk]
        target_text = (
            f"{rules.SIGNS.get(spec.comparison, '')} {rules.format_value(spec, spec.target)}"
            if spec.target is not None
            else "So với cao nhất trong khối"
        )
        summaries.append(
            CriterionSummary(
                criterion,
                spec,
                target_text,
                now[criterion.pk],
                before[criterion.pk] if before is not None else None,
                _light(spec, now[criterion.pk]),
            )
        )
    return summaries


def sending_by_window(*, period: Period, cells: dict[int, list[DashboardCell]]) -> list[WindowSending]:
    """Section I: per window that is due (rules.expected_windows: started by today), participants expected to
    send, with every figure present, sent (no draft left, or locked by the close) and sent by the window's deadline
    (scoring.access.entry_deadline: its end plus the plan's grace days)."""
    participant_ids = list(cells)
    sent_at: dict[tuple[int, dt.date], dt.datetime | None] = {}
    for row in (
        Reading.objects.filter(period=period, participant_id__in=participant_ids)
        .values("participant_id", "window_start")
        .annotate(last=Max("entered_at"), drafts=Count("pk", filter=Q(status=Reading.Status.DRAFT)))
    ):
        if not row["drafts"]:
            sent_at[(row["participant_id"], row["window_start"])] = row["last"]
    rows: list[WindowSending] = []
    due = rules.expected_windows([(w.start, w.end) for w in windows_for(period)], timezone.localdate())
    for index, window in enumerate(windows_for(period)[: len(due)]):
        deadline = entry_deadline(period, window)
        expected = complete = sent = on_time = 0
        for participant_id, participant_cells in cells.items():
            cell = participant_cells[index]
            if not cell.expected:
                continue
            expected += 1
            complete += cell.missing == 0
            when = sent_at.get((participant_id, window.start))
            if cell.missing == 0 and (participant_id, window.start) in sent_at:
                sent += 1
                on_time += when is not None and timezone.localtime(when).date() <= deadline
        rows.append(WindowSending(window, deadline, expected, complete, sent, on_time))
    return rows


def award_summary(*, period: Period, user: User) -> AwardSummary:
    """Section IV: the period's nominations the user sees by status and award kind; its decisions and amounts."""
    nominations = Nomination.objects.visible_to(user).filter(period=period)  # the scope every nomination list has
    by_status = Counter(dict(nominations.values_list("status").annotate(n=Count("pk")).order_by()))
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, status, count in nominations.values_list("award_kind__name", "status").annotate(n=Count("pk")).order_by():
        kinds[name][0] += count
        if status == Nomination.Status.ACCEPTED:
            kinds[name][1] += count
    decisions = Decision.objects.visible_to(user).filter(period=period)
    signed = decisions.filter(status=Decision.Status.SIGNED)
    total = signed.aggregate(total=Sum("total_amount"))["total"] or 0
    awardees = sum(len(awardees or []) for awardees in signed.values_list("awardees", flat=True))
    return AwardSummary(
        by_status={status: by_status.get(status, 0) for status in Nomination.Status.values},
        by_kind=sorted((name, counts[0], counts[1]) for name, counts in kinds.items()),
        decisions_signed=signed.count(),
        decisions_draft=decisions.filter(status=Decision.Status.DRAFT).count(),
        total_amount=int(total),
        awardees=awardees,
    )


def period_report(*, period: Period, user: User) -> PeriodReport:
    """The whole report of one period as the user may see it, built now from the live selectors."""
    participants = list(dashboard_participants(user=user, period=period))
    cells = dashboard_cells(period=period, participants=participants)
    previous = previous_period(period)
    sending = sending_by_window(period=period, cells=cells)
    return PeriodReport(
        period=period,
        plan=period.plan,
        built_at=timezone.localtime(),
        previous=previous,
        participants=dict(Counter(participant.kind for participant in participants)),
        sending=sending,
        criteria=criterion_summaries(period=period, previous=previous, user=user),
        rankings=ranking_lists(period=period, user=user),
        awards=award_summary(period=period, user=user),
        units=[UnitCompleteness(participant, cells[participant.pk][: len(sending)]) for participant in participants],
    )


def plan_periods(*, plan: Plan) -> list[Period]:
    """The plan's periods in order (a tổng kết over the whole plan reports each)."""
    return list(Period.objects.filter(plan=plan).select_related("plan", "plan__issuer").order_by("start"))


@dataclass
class QuickCriterion:
    """A criterion in a báo cáo nhanh: its target and the value of the whole list in the first and the last window
    of the range, as the charts page draws them (scoring.selectors.plan_chart_data)."""

    summary: CriterionSummary
    first: float | None
    last: float | None
    first_label: str
    last_label: str

    def _text(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.summary.spec.kind == rules.BOOLEAN:  # the charts' count answering "Có"
            return f"{rules.format_number(Decimal(str(value)))} trả lời Có"
        return self.summary.text(Decimal(str(value)))

    @property
    def first_text(self) -> str:
        return self._text(self.first)

    @property
    def last_text(self) -> str:
        return self._text(self.last)


@dataclass
class QuickReport:
    """A short progress report (báo cáo nhanh) of a period for a date range: the windows it covers, their sending,
    each criterion's value over them, and the standings as they are now."""

    report: PeriodReport
    start: dt.date
    end: dt.date
    sending: list[WindowSending]
    criteria: list[QuickCriterion]


def windows_between(period: Period, start: dt.date, end: dt.date) -> list[Window]:
    """The period's windows that overlap the range."""
    return [window for window in windows_for(period) if window.start <= end and window.end >= start]


def quick_report(*, period: Period, user: User, start: dt.date, end: dt.date) -> QuickReport:
    """The báo cáo nhanh of a period between two dates (the caller checks the dates lie in the period)."""
    report = period_report(period=period, user=user)
    windows = windows_between(period, start, end)
    starts = {window.start for window in windows}
    sending = [row for row in report.sending if row.window.start in starts]
    charts = {chart["title"]: chart for chart in selectors.plan_chart_data(period=period, user=user)}
    all_windows = windows_for(period)
    indices = [index for index, window in enumerate(all_windows) if window.start in starts]
    criteria = []
    for summary in report.criteria:
        chart = charts[f"{summary.criterion.order}. {summary.criterion.name}"]
        values = [(all_windows[i].label, chart["datasets"][0]["data"][i]) for i in indices]
        present = [(label, value) for label, value in values if value is not None]
        first = present[0] if present else ("", None)
        last = present[-1] if present else ("", None)
        criteria.append(QuickCriterion(summary, first[1], last[1], first[0], last[0]))
    return QuickReport(report=report, start=start, end=end, sending=sending, criteria=criteria)
