"""The quota engine: which participants of a period are proposed for an award, and why. Pure: no ORM.

Input is the period's frozen ranking (one :class:`Entry` per participant) and the plan's quota rules
(one :class:`Rule` each); output is one :class:`Outcome` per participant and rule, with a Vietnamese reason.

How a rule is applied (deterministic: the same input always gives the same output, in the same order):

1. The rule's group ranking is walked in rank order (rank, then participant id for equal ranks).
   Collectives fill at most ``max_collectives`` places; individuals at most ``max_individuals``.
   A rule without a group covers the whole plan: when the participants of a kind sit in one group its ranking is
   used; across several groups ranks are not comparable, so the walk goes by ratio (equal ratios are a tie).
2. A participant is skipped, with its reason, when it has no rank, when its readings are incomplete
   (``readings_present < readings_expected``), when its ratio is under the rule's minimum, or when an
   eligibility condition was explicitly marked *not met*.

   Eligibility at engine time: conditions are confirmed by office staff *after* the first proposal, on the
   nomination. A condition not yet checked does NOT block a proposal; a check recorded as not met DOES.
   Running the engine again after the checks re-evaluates: the skipped participant drops out and the next
   eligible one in the ranking takes the place.
3. A tie at the cut line is never broken silently: when the last place is filled by a participant whose rank
   is shared by further eligible participants, all of them are proposed and flagged ``tied_at_cut``
   (the places they share are over-subscribed and the chairman must choose).
4. "K individuals per selected collective" (``individuals_per_collective``, Ninh Thuận: 01 cá nhân for each
   collective commended): individuals of the rule's group (or of no group) are taken only from the selected
   collectives. An individual belongs to a collective when its unit is the collective's unit or inside it
   (tree paths). Within one collective
   individuals are ordered by ratio (higher first), then rank, then id; the tie rule applies at the K-th
   place. ``max_individuals``, when not 0, caps the total on top of that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formatting import format_percent

COLLECTIVE = "collective"
INDIVIDUAL = "individual"


@dataclass(frozen=True)
class Entry:
    """One participant's frozen standing in a period, as the engine needs it."""

    participant_id: int
    kind: str  # "collective" | "individual"
    name: str
    group_id: int | None
    rank: int | None
    ratio: Decimal
    tied: bool = False
    readings_expected: int = 0
    readings_present: int = 0
    unit_path: str = ""  # the collective's unit, or the unit the individual works in
    group_size: int = 0  # participants of this kind ranked in the group ("1/12 khối Xã")
    group_label: str = ""  # "khối Xã": the entry's own group, named in reasons of plan-wide rules
    failed_conditions: tuple[str, ...] = ()  # texts of conditions explicitly recorded as not met

    @property
    def complete(self) -> bool:
        """All expected readings are present."""
        return self.readings_present >= self.readings_expected


@dataclass(frozen=True)
class Rule:
    """A quota rule: at most N collectives and M individuals of a group (or of the whole plan)."""

    rule_id: int
    group_id: int | None
    group_label: str  # "khối Xã", or "toàn kế hoạch" when the rule covers the whole plan
    max_collectives: int = 0
    max_individuals: int = 0
    individuals_per_collective: int | None = None
    min_ratio: Decimal = Decimal("0")


@dataclass(frozen=True)
class Outcome:
    """What the engine decided for one participant under one rule."""

    rule_id: int
    participant_id: int
    kind: str
    proposed: bool
    reason: str
    rank: int | None
    ratio: Decimal
    tied_at_cut: bool = False
    parent_participant_id: int | None = None  # the selected collective an individual was taken for


# The order a ranking is walked in: places with equal keys are tied.
SortKey = Callable[[Entry], tuple[Decimal | int, ...]]


@dataclass
class _Walk:
    """Mutable state of one walk down a ranking (kept small and local)."""

    limit: int
    chosen: list[Entry] = field(default_factory=list)
    cut_rank: object = None  # the sort key of the last place filled

    @property
    def full(self) -> bool:
        return len(self.chosen) >= self.limit


def group_label(name: str | None) -> str:
    """ "Xã" → "khối Xã"; "Khối các xã" → "khối các xã"; no group → "toàn kế hoạch"."""
    if not name:
        return _("toàn kế hoạch")
    if name.lower().startswith("khối"):
        return "khối" + name[4:]
    return _("khối %(name)s") % {"name": name}


def belongs_to(individual_path: str, collective_path: str) -> bool:
    """An individual belongs to a collective when its unit is the collective's unit or inside it."""
    return bool(collective_path) and bool(individual_path) and individual_path.startswith(collective_path)


def skip_reason(entry: Entry, rule: Rule) -> str | None:
    """Why an entry cannot be proposed at all under a rule, or None when it is eligible."""
    if entry.rank is None:
        return _("Không được đề xuất vì chưa được xếp hạng")
    if not entry.complete:
        return _("Không được đề xuất vì chưa đủ số liệu (%(present)s/%(expected)s)") % {
            "present": entry.readings_present,
            "expected": entry.readings_expected,
        }
    if entry.ratio < rule.min_ratio:
        return _("Không được đề xuất vì dưới điểm tối thiểu %(minimum)s (tỷ lệ điểm %(ratio)s)") % {
            "minimum": format_percent(rule.min_ratio),
            "ratio": format_percent(entry.ratio),
        }
    if entry.failed_conditions:
        return _("Không được đề xuất vì không đạt tiêu chuẩn: %(conditions)s") % {
            "conditions": "; ".join(entry.failed_conditions),
        }
    return None


def tie_note() -> str:
    """What a proposal's reason says of a tie at the cut; dropped from the reason once the tie is settled."""
    return _("; đồng hạng tại ngưỡng chỉ tiêu, Chủ tịch cần chọn")


def _proposed_reason(entry: Entry, rule: Rule, tied_at_cut: bool) -> str:
    group = rule.group_label if rule.group_id is not None or not entry.group_label else entry.group_label
    text = _("Được đề xuất vì xếp hạng %(rank)s/%(size)s %(group)s, tỷ lệ điểm %(ratio)s, đủ số liệu") % {
        "rank": entry.rank,
        "size": entry.group_size,
        "group": group,
        "ratio": format_percent(entry.ratio),
    }
    if tied_at_cut:
        text += tie_note()
    return text


def _quota_full_reason(kind: str, limit: int) -> str:
    if limit == 0:
        if kind == COLLECTIVE:
            return _("Không được đề xuất vì chỉ tiêu không dành cho tập thể")
        return _("Không được đề xuất vì chỉ tiêu không dành cho cá nhân")
    if kind == COLLECTIVE:
        return _("Không được đề xuất vì đã đủ chỉ tiêu %(count)s tập thể") % {"count": limit}
    return _("Không được đề xuất vì đã đủ chỉ tiêu %(count)s cá nhân") % {"count": limit}


def _fill(
    entries: Sequence[Entry],
    rule: Rule,
    limit: int,
    key: SortKey,
    proposed_reason: Callable[[Entry, bool], str],
    full_reason: str,
) -> list[Outcome]:
    """Walk `entries` (already sorted by `key`) and fill `limit` places, proposing every tie at the cut."""
    walk = _Walk(limit=limit)
    decided: list[tuple[Entry, str | None]] = []  # (entry, skip reason or None when chosen)
    for entry in entries:
        reason = skip_reason(entry, rule)
        if reason is not None:
            decided.append((entry, reason))
            continue
        if not walk.full:
            walk.chosen.append(entry)
            walk.cut_rank = key(entry)
            decided.append((entry, None))
        elif limit > 0 and key(entry) == walk.cut_rank:
            walk.chosen.append(entry)  # tied with the last place: proposed too, flagged below
            decided.append((entry, None))
        else:
            decided.append((entry, full_reason))
    over = len(walk.chosen) > limit
    outcomes = []
    for entry, reason in decided:
        if reason is None:
            tied = over and key(entry) == walk.cut_rank
            outcomes.append(
                Outcome(
                    rule_id=rule.rule_id,
                    participant_id=entry.participant_id,
                    kind=entry.kind,
                    proposed=True,
                    reason=proposed_reason(entry, tied),
                    rank=entry.rank,
                    ratio=entry.ratio,
                    tied_at_cut=tied,
                )
            )
        else:
            outcomes.append(
                Outcome(
                    rule_id=rule.rule_id,
                    participant_id=entry.participant_id,
                    kind=entry.kind,
                    proposed=False,
                    reason=reason,
                    rank=entry.rank,
                    ratio=entry.ratio,
                )
            )
    return outcomes


def _rank_key(entry: Entry) -> tuple[int]:
    return (entry.rank if entry.rank is not None else 10**9,)


def _ratio_key(entry: Entry) -> tuple[Decimal]:
    return (-entry.ratio,)


def _ordering(entries: list[Entry]) -> tuple[SortKey, list[Entry]]:
    """Ranks compare only inside one group: a plan-wide rule over several groups orders by ratio instead
    (equal ratios then count as a tie)."""
    if len({e.group_id for e in entries}) <= 1:
        return _rank_key, sorted(entries, key=lambda e: (e.rank is None, e.rank or 0, e.participant_id))
    return _ratio_key, sorted(entries, key=lambda e: (e.rank is None, -e.ratio, e.rank or 0, e.participant_id))


def apply_rule(rule: Rule, entries: Sequence[Entry]) -> list[Outcome]:
    """Every participant the rule concerns, with its outcome: collectives first, then individuals, in rank order."""
    in_group = [e for e in entries if rule.group_id is None or e.group_id == rule.group_id]
    key, collectives = _ordering([e for e in in_group if e.kind == COLLECTIVE])

    def reason(entry: Entry, tied: bool) -> str:
        return _proposed_reason(entry, rule, tied)

    outcomes = _fill(
        collectives, rule, rule.max_collectives, key, reason, _quota_full_reason(COLLECTIVE, rule.max_collectives)
    )
    if not rule.individuals_per_collective:
        key, individuals = _ordering([e for e in in_group if e.kind == INDIVIDUAL])
        outcomes += _fill(
            individuals, rule, rule.max_individuals, key, reason, _quota_full_reason(INDIVIDUAL, rule.max_individuals)
        )
        return outcomes
    return outcomes + _individuals_per_collective(rule, entries, collectives, outcomes)


def _individuals_per_collective(
    rule: Rule, entries: Sequence[Entry], collectives: list[Entry], collective_outcomes: list[Outcome]
) -> list[Outcome]:
    """Ninh Thuận: K individuals from each selected collective only (plus an optional overall cap)."""
    per_collective = rule.individuals_per_collective or 0
    by_id = {c.participant_id: c for c in collectives}
    selected = [by_id[o.participant_id] for o in collective_outcomes if o.proposed]
    # Candidates: individuals of the rule's group (or of no group). Each belongs to the deepest collective its unit
    # lies in (a section inside a commune belongs to the section's collective when both take part).
    candidates: dict[int, list[Entry]] = {}
    outcomes: list[Outcome] = []
    individuals = (
        e for e in entries if e.kind == INDIVIDUAL and (rule.group_id is None or e.group_id in (rule.group_id, None))
    )
    for entry in sorted(individuals, key=lambda e: e.participant_id):
        owners = [c for c in collectives if belongs_to(entry.unit_path, c.unit_path)]
        if not owners:
            if rule.group_id is not None and entry.group_id == rule.group_id:
                outcomes.append(
                    Outcome(
                        rule_id=rule.rule_id,
                        participant_id=entry.participant_id,
                        kind=INDIVIDUAL,
                        proposed=False,
                        reason=_("Không được đề xuất vì không thuộc tập thể nào của %(group)s")
                        % {"group": rule.group_label},
                        rank=entry.rank,
                        ratio=entry.ratio,
                    )
                )
            continue
        owner = max(owners, key=lambda c: (len(c.unit_path), -c.participant_id))
        if owner not in selected:
            outcomes.append(
                Outcome(
                    rule_id=rule.rule_id,
                    participant_id=entry.participant_id,
                    kind=INDIVIDUAL,
                    proposed=False,
                    reason=_("Không được đề xuất vì không thuộc tập thể được chọn (thuộc %(collective)s)")
                    % {"collective": owner.name},
                    rank=entry.rank,
                    ratio=entry.ratio,
                )
            )
            continue
        candidates.setdefault(owner.participant_id, []).append(entry)

    def key(entry: Entry) -> tuple[Decimal, int]:
        return (-entry.ratio, entry.rank if entry.rank is not None else 10**9)

    cap = rule.max_individuals or None
    taken = 0
    for collective in selected:
        people = sorted(candidates.get(collective.participant_id, []), key=lambda e: (*key(e), e.participant_id))

        def reason(entry: Entry, tied: bool, collective: Entry = collective) -> str:
            text = _(
                "Được đề xuất vì là cá nhân dẫn đầu của tập thể được chọn %(collective)s, tỷ lệ điểm %(ratio)s, "
                "đủ số liệu"
            ) % {"collective": collective.name, "ratio": format_percent(entry.ratio)}
            if tied:
                text += tie_note()
            return text

        full = _("Không được đề xuất vì tập thể %(collective)s đã đủ %(count)s cá nhân") % {
            "collective": collective.name,
            "count": per_collective,
        }
        limit = per_collective if cap is None else max(0, min(per_collective, cap - taken))
        if cap is not None and limit < per_collective and cap - taken <= 0:
            full = _quota_full_reason(INDIVIDUAL, cap)
        results = _fill(people, rule, limit, key, reason, full)
        for result in results:
            outcomes.append(Outcome(**{**result.__dict__, "parent_participant_id": collective.participant_id}))
        taken += sum(1 for r in results if r.proposed)
    return outcomes


def run(rules: Sequence[Rule], entries: Sequence[Entry]) -> list[Outcome]:
    """Apply every rule to the period's entries; rules in id order, so the result is deterministic."""
    outcomes: list[Outcome] = []
    for rule in sorted(rules, key=lambda r: r.rule_id):
        outcomes += apply_rule(rule, entries)
    return outcomes
