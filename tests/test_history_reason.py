"""A reason written into a history row fits its 100-character column: PostgreSQL refuses more (a chairman's return
reason of 1,000 characters, which the form allows, used to end in a server error there)."""

from core.formatting import HISTORY_REASON_MAX, history_reason


def test_a_short_reason_is_kept_as_typed():
    assert history_reason("Trả lại: thiếu sổ theo dõi") == "Trả lại: thiếu sổ theo dõi"


def test_a_long_reason_is_cut_at_a_word_within_the_column():
    reason = "Trả lại: " + "số hồ sơ tiếp nhận tháng này chưa khớp sổ theo dõi, " * 20
    cut = history_reason(reason)
    assert len(cut) <= HISTORY_REASON_MAX and cut.endswith("…")
    assert reason.startswith(cut[:-1]) and reason[len(cut) - 1] in " ,"
