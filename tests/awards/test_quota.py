"""The quota engine on crafted standings: each seed plan's rule, ties at the cut, skips and their reasons."""

from __future__ import annotations

from decimal import Decimal

from awards import quota
from awards.quota import Entry, Rule


def entry(
    pid: int,
    rank: int | None,
    ratio: str,
    *,
    kind: str = "collective",
    group: int | None = 1,
    present: int = 12,
    expected: int = 12,
    path: str = "",
    size: int = 12,
    failed: tuple[str, ...] = (),
    name: str | None = None,
    label: str = "",
) -> Entry:
    return Entry(
        participant_id=pid,
        kind=kind,
        name=name or f"Đối tượng {pid}",
        group_id=group,
        rank=rank,
        ratio=Decimal(ratio),
        readings_expected=expected,
        readings_present=present,
        unit_path=path or f"0001{pid:04d}",
        group_size=size,
        failed_conditions=failed,
        group_label=label,
    )


def rule(
    collectives: int,
    individuals: int,
    *,
    per: int | None = None,
    minimum: str = "0",
    group: int | None = 1,
    label: str = "khối Xã",
    rule_id: int = 1,
) -> Rule:
    return Rule(
        rule_id=rule_id,
        group_id=group,
        group_label=label,
        max_collectives=collectives,
        max_individuals=individuals,
        individuals_per_collective=per,
        min_ratio=Decimal(minimum),
    )


def proposed(outcomes) -> list[int]:
    return [o.participant_id for o in outcomes if o.proposed]


def by_id(outcomes) -> dict[int, quota.Outcome]:
    return {o.participant_id: o for o in outcomes}


def test_tay_hieu_one_collective_and_two_individuals_plan_wide():
    # The seed: one plan-wide rule; sections ranked in "bộ phận", officials in "cán bộ".
    entries = [entry(i, i, str(100 - i), group=1, size=4, label="khối Các ban ngành") for i in range(1, 5)]
    entries += [
        entry(10 + i, i, str(99 - i), kind="individual", group=2, size=5, label="khối Cán bộ") for i in range(1, 6)
    ]
    outcomes = quota.run([rule(1, 2, group=None, label="toàn kế hoạch")], entries)
    assert proposed(outcomes) == [1, 11, 12]
    reasons = by_id(outcomes)
    assert reasons[1].reason == "Được đề xuất vì xếp hạng 1/4 khối Các ban ngành, tỷ lệ điểm 99,00%, đủ số liệu"
    assert reasons[12].reason == "Được đề xuất vì xếp hạng 2/5 khối Cán bộ, tỷ lệ điểm 97,00%, đủ số liệu"
    assert reasons[2].reason == "Không được đề xuất vì đã đủ chỉ tiêu 1 tập thể"
    assert reasons[13].reason == "Không được đề xuất vì đã đủ chỉ tiêu 2 cá nhân"
    assert not any(o.tied_at_cut for o in outcomes)


def test_bao_cuong_one_plus_two_in_a_mixed_group():
    entries = [entry(1, 2, "90"), entry(2, 1, "95.5"), entry(3, 3, "80")]
    entries += [
        entry(4, 1, "97", kind="individual"),
        entry(5, 2, "96", kind="individual"),
        entry(6, 3, "91", kind="individual"),
    ]
    outcomes = quota.run([rule(1, 2)], entries)
    assert proposed(outcomes) == [2, 4, 5]
    assert by_id(outcomes)[2].reason == "Được đề xuất vì xếp hạng 1/12 khối Xã, tỷ lệ điểm 95,50%, đủ số liệu"


def test_ninh_thuan_three_two_thirteen_with_one_individual_each():
    # Groups: 1 = Sở (5 departments), 2 = huyện (4 districts), 3 = xã (20 communes); 2 officials in each unit.
    entries, rules = [], []
    next_id = 1
    for group, count, limit in ((1, 5, 3), (2, 4, 2), (3, 20, 13)):
        rules.append(rule(limit, 0, per=1, group=group, rule_id=group, label=f"khối {group}"))
        for rank in range(1, count + 1):
            unit_path = f"0001{group:04d}{rank:04d}"
            entries.append(entry(next_id, rank, str(100 - rank), group=group, path=unit_path, size=count))
            next_id += 1
            for k in range(2):  # two officials of each unit, ranked in the unit's group
                entries.append(
                    entry(
                        next_id,
                        None if k else rank,
                        str(90 - k),
                        kind="individual",
                        group=group,
                        path=unit_path + f"{k + 1:04d}",
                        size=count * 2,
                    )
                )
                next_id += 1
    outcomes = quota.run(rules, entries)
    chosen = [o for o in outcomes if o.proposed]
    collectives = [o for o in chosen if o.kind == "collective"]
    individuals = [o for o in chosen if o.kind == "individual"]
    assert [sum(1 for o in collectives if o.rule_id == g) for g in (1, 2, 3)] == [3, 2, 13]
    assert [sum(1 for o in individuals if o.rule_id == g) for g in (1, 2, 3)] == [3, 2, 13]
    # Each individual comes from a selected collective, one per collective.
    assert sorted(o.parent_participant_id for o in individuals) == sorted(o.participant_id for o in collectives)
    # An official of a collective not selected is told why.
    first_unselected = next(o for o in outcomes if o.rule_id == 1 and o.kind == "collective" and not o.proposed)
    official = next(
        e
        for e in entries
        if e.kind == "individual"
        and e.unit_path.startswith(
            next(x.unit_path for x in entries if x.participant_id == first_unselected.participant_id)
        )
    )
    note = next(o for o in outcomes if o.participant_id == official.participant_id)
    assert note.reason.startswith("Không được đề xuất vì không thuộc tập thể được chọn")


def test_per_collective_takes_the_best_official_of_the_collective_not_of_the_province():
    entries = [entry(1, 1, "99", path="00010001"), entry(2, 2, "98", path="00010002")]
    entries += [
        entry(10, 1, "99", kind="individual", path="000100020001"),  # best overall, but in collective 2
        entry(11, 5, "80", kind="individual", path="000100010001"),
        entry(12, 3, "85", kind="individual", path="000100010002"),
    ]
    outcomes = quota.run([rule(1, 0, per=1)], entries)
    assert proposed(outcomes) == [1, 12]
    assert by_id(outcomes)[11].reason.startswith("Không được đề xuất vì tập thể Đối tượng 1 đã đủ 1 cá nhân")


def test_tie_at_the_cut_line_proposes_every_tied_participant_and_flags_them():
    entries = [entry(1, 1, "99"), entry(2, 2, "95"), entry(3, 2, "95"), entry(4, 4, "90")]
    outcomes = quota.run([rule(2, 0)], entries)
    result = by_id(outcomes)
    assert proposed(outcomes) == [1, 2, 3]
    assert (result[1].tied_at_cut, result[2].tied_at_cut, result[3].tied_at_cut) == (False, True, True)
    assert "Chủ tịch cần chọn" in result[3].reason
    assert result[4].reason == "Không được đề xuất vì đã đủ chỉ tiêu 2 tập thể"


def test_a_tie_inside_the_quota_is_not_flagged():
    outcomes = quota.run([rule(2, 0)], [entry(1, 1, "99"), entry(2, 1, "99"), entry(3, 3, "90")])
    assert proposed(outcomes) == [1, 2]
    assert not any(o.tied_at_cut for o in outcomes)


def test_ineligible_leader_is_skipped_and_the_next_takes_the_place():
    entries = [
        entry(1, 1, "99", failed=("Nội bộ đoàn kết, không có cá nhân bị kỷ luật",)),
        entry(2, 2, "95"),
        entry(3, 3, "90"),
    ]
    outcomes = quota.run([rule(1, 0)], entries)
    assert proposed(outcomes) == [2]
    assert by_id(outcomes)[1].reason == (
        "Không được đề xuất vì không đạt tiêu chuẩn: Nội bộ đoàn kết, không có cá nhân bị kỷ luật"
    )


def test_incomplete_readings_and_minimum_ratio_are_skipped_with_their_reason():
    entries = [entry(1, 1, "99", present=10), entry(2, 2, "79.99"), entry(3, 3, "85"), entry(4, None, "0")]
    outcomes = quota.run([rule(1, 0, minimum="80")], entries)
    result = by_id(outcomes)
    assert proposed(outcomes) == [3]
    assert result[1].reason == "Không được đề xuất vì chưa đủ số liệu (10/12)"
    assert result[2].reason.startswith("Không được đề xuất vì dưới điểm tối thiểu 80,00%")
    assert result[4].reason == "Không được đề xuất vì chưa được xếp hạng"


def test_unchecked_conditions_do_not_block_a_first_proposal():
    outcomes = quota.run([rule(1, 0)], [entry(1, 1, "99"), entry(2, 2, "95")])
    assert proposed(outcomes) == [1]


def test_the_engine_is_deterministic_whatever_the_input_order():
    entries = [entry(i, (i + 1) // 2, str(100 - i)) for i in range(1, 9)]
    first = quota.run([rule(3, 0)], entries)
    second = quota.run([rule(3, 0)], list(reversed(entries)))
    assert first == second


def test_every_participant_of_the_group_gets_a_reason_and_other_groups_are_left_alone():
    entries = [entry(1, 1, "99"), entry(2, 2, "98"), entry(3, 1, "97", group=2)]
    outcomes = quota.run([rule(1, 0)], entries)
    assert {o.participant_id for o in outcomes} == {1, 2}
    assert all(o.reason for o in outcomes)


def test_group_label():
    assert quota.group_label("Xã") == "khối Xã"
    assert quota.group_label("Khối các xã") == "khối các xã"
    assert quota.group_label(None) == "toàn kế hoạch"


def test_per_collective_ignores_officials_of_another_group_inside_the_unit():
    # A district (group 2) contains communes; a commune official (group 3) is not the district's official.
    entries = [
        entry(1, 1, "99", group=2, path="00010001"),
        entry(5, 1, "99", kind="individual", group=3, path="0001000100020001"),
        entry(6, 2, "70", kind="individual", group=2, path="000100010001"),
    ]
    outcomes = quota.run([rule(1, 0, per=1, group=2)], entries)
    assert proposed(outcomes) == [1, 6]
    assert 5 not in by_id(outcomes)


def test_plan_wide_rule_over_several_groups_orders_by_ratio():
    entries = [entry(1, 1, "90", group=1), entry(2, 1, "95", group=2), entry(3, 2, "85", group=2)]
    outcomes = quota.run([rule(1, 0, group=None, label="toàn kế hoạch")], entries)
    assert proposed(outcomes) == [2]
    tied = quota.run([rule(1, 0, group=None)], [entry(1, 1, "90", group=1), entry(2, 1, "90", group=2)])
    assert proposed(tied) == [1, 2] and all(o.tied_at_cut for o in tied)
