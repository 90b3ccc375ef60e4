"""The period report (báo cáo sơ kết / tổng kết) as a Word draft the office edits before printing.

Nghị định 30/2020 layout for a Báo cáo (symbol BC): the header of core.official_docx, "BÁO CÁO" and its trích yếu,
sections I–VI (I. Kết quả triển khai, II. Kết quả thực hiện các tiêu chí, III. Xếp hạng, IV. Khen thưởng,
V. Tồn tại, hạn chế and VI. Phương hướng left to the office with a short prompt), Nơi nhận and the signature block,
then the annex tables in a landscape section. Charts are PNG drawn by planning.reports.charts from the same chart
descriptions the pages draw. The draft says which data it was built from (time, period status) and, while a period
is open, "Số liệu tạm tính".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt

from awards.wording import issuer_name_lines, issuer_phrase, movement_name
from campaigns.models import Participant, Period, Plan
from core.formatting import format_number, format_percent, short_date
from core.official_docx import (
    CENTER,
    JUSTIFY,
    LEFT,
    RIGHT,
    add_closing,
    add_header,
    as_bytes,
    cell_text,
    fixed_widths,
    new_document,
    paragraph,
)
from planning.reports.charts import chart_png, ranking_chart, sending_chart
from planning.reports.selectors import PeriodReport, QuickReport
from scoring import selectors as scoring_selectors

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SYMBOL = "BC-UBND"
EMSPACE = "\u2003"
ROMAN = ["I", "II", "III", "IV", "V", "VI"]
QUICK_RECIPIENTS = 4  # a báo cáo nhanh fits one page: the plan's first recipients, the office adds any others
PROMPTS = {
    "V": "(Văn phòng bổ sung: những tồn tại, hạn chế trong tổ chức phong trào và nguyên nhân; các đơn vị, tiêu chí "
    "chưa đạt chỉ tiêu nêu ở mục II, các đơn vị gửi số liệu chưa đầy đủ, chưa đúng hạn nêu ở mục I.)",
    "VI": "(Văn phòng bổ sung: nhiệm vụ, giải pháp trọng tâm thời gian tới; các tiêu chí cần tập trung; kiến nghị, "
    "đề xuất.)",
}


def _review_word(periods: Sequence[Period], whole_plan: bool) -> str:
    """ "sơ kết" or "tổng kết": a whole plan, or a period marked tổng kết, is a tổng kết."""
    if whole_plan or any(period.review_kind == Period.ReviewKind.TONG_KET for period in periods):
        return "tổng kết"
    return "sơ kết"


def report_summary(plan: Plan, periods: Sequence[Period], *, whole_plan: bool) -> str:
    """The trích yếu: "Sơ kết Đợt 1 phong trào thi đua “…”" / "Tổng kết phong trào thi đua “…”"."""
    word = _review_word(periods, whole_plan).capitalize()
    which = "" if whole_plan else f" {periods[0].name}"
    return f"{word}{which} phong trào thi đua {movement_name(plan.title)}"


def data_note(reports: Sequence[PeriodReport]) -> str:
    """Which data the draft was built from: its time, each period's status, and "số liệu tạm tính" when open."""
    built = reports[0].built_at
    states = "; ".join(
        f"{r.period.name}: {r.period.get_status_display().lower()}"
        + (f" lúc {r.period.closed_at:%H:%M %d/%m/%Y}" if r.period.closed_at and not r.provisional else "")
        for r in reports
    )
    note = f"Dự thảo lập từ dữ liệu lúc {built:%H:%M} ngày {built:%d/%m/%Y} ({states})."
    if any(r.provisional for r in reports):
        note += " Số liệu tạm tính: đợt thi đua chưa chốt, số liệu và xếp hạng còn có thể thay đổi."
    return note


def _heading(document: Any, text: str, *, level: int = 1) -> None:
    paragraph(document, text, bold=True, italic=level > 1, align=JUSTIFY, indent=True, before=8, after=2)


def _body(document: Any, text: str, *, italic: bool = False) -> None:
    paragraph(document, text, italic=italic, align=JUSTIFY, indent=True, before=4)


def _picture(document: Any, png: bytes) -> None:
    holder = paragraph(document, align=CENTER, before=4, after=4)
    holder.add_run().add_picture(io.BytesIO(png), width=Mm(160))


def _table(document: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    """A bordered table, headers in bold, numbers right-aligned (a cell whose text starts with a digit or "—")."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, size=11, bold=True, align=CENTER)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            numeric = bool(text) and (text[0].isdigit() or text[0] in "—+−±")
            cell_text(cell, text, size=11, align=RIGHT if numeric else LEFT)
    fixed_widths(table, [Mm(width) for width in widths])
    paragraph(document, after=4)


def _who(standing: Any) -> str:
    tied = " (đồng hạng)" if standing.tied else ""
    return f"{standing.rank}. {standing.name}{tied}: {format_percent(standing.ratio)}"


def _section_one(document: Any, report: PeriodReport) -> None:
    participants = report.participants
    counts = ", ".join(
        f"{format_number(count)} {Participant.Kind(kind).label.lower()}" for kind, count in participants.items()
    )
    period = report.period
    _body(
        document,
        f"{period.name} ({short_date(period.start)} – {short_date(period.end)}) có "
        f"{format_number(report.participant_total)} đối tượng tham gia ({counts or 'chưa có đối tượng'}), chia thành "
        f"{format_number(len(report.rankings))} bảng xếp hạng theo khối và loại đối tượng.",
    )
    due = [row for row in report.sending if row.expected]
    if due:
        expected = sum(row.expected for row in due)
        complete = sum(row.complete for row in due)
        sent = sum(row.sent for row in due)
        on_time = sum(row.on_time for row in due)
        _body(
            document,
            f"Qua {format_number(len(due))} kỳ báo cáo, {format_number(complete)}/{format_number(expected)} lượt "
            f"báo cáo đủ số liệu, {format_number(sent)} lượt đã gửi, trong đó {format_number(on_time)} lượt gửi "
            f"đúng hạn (chi tiết theo kỳ tại Phụ lục 1).",
        )
        late = [unit.participant.name for unit in report.units if unit.missing]
        if late:
            shown = ", ".join(late[:10]) + (f" và {len(late) - 10} đối tượng khác" if len(late) > 10 else "")
            _body(document, f"Còn thiếu số liệu: {shown}.")
        _picture(document, chart_png(sending_chart(report.sending)))


def _section_two(document: Any, report: PeriodReport) -> None:
    previous = report.previous.name if report.previous else ""
    for summary in report.criteria:
        now = summary.now
        parts = [
            f"Chỉ tiêu {summary.target_text}; giá trị chung {summary.pooled_text}",
            f"{format_number(now.met)}/{format_number(now.applicable)} đối tượng đạt chỉ tiêu",
        ]
        if now.best:
            parts.append(f"tốt nhất {now.best[0]} ({summary.text(now.best[1])})")
        if now.worst and now.worst != now.best:
            parts.append(f"kém nhất {now.worst[0]} ({summary.text(now.worst[1])})")
        if previous and summary.change_text != "—":
            parts.append(f"so với {previous}: {summary.change_text}")
        paragraph_text = f"{summary.criterion.order}. {summary.criterion.name}: " + "; ".join(parts) + "."
        _body(document, paragraph_text)


def _section_three(document: Any, report: PeriodReport) -> None:
    if not report.rankings:
        _body(document, "Chưa có kết quả xếp hạng.")
    for ranking in report.rankings:
        _heading(document, f"{ranking.title} ({format_number(len(ranking.standings))} đối tượng)", level=2)
        _body(document, "Dẫn đầu: " + "; ".join(_who(s) for s in ranking.top) + ".")
        if ranking.bottom:
            _body(document, "Cuối bảng: " + "; ".join(_who(s) for s in ranking.bottom) + ".")
        _picture(document, chart_png(ranking_chart(ranking)))


def _section_four(document: Any, report: PeriodReport) -> None:
    awards = report.awards
    statuses = dict(awards.by_status)
    if not awards.proposed:
        _body(document, "Chưa có đề nghị khen thưởng trong đợt.")
    else:
        accepted, rejected = statuses.get("accepted", 0), statuses.get("rejected", 0)
        _body(
            document,
            f"Có {format_number(awards.proposed)} đề nghị khen thưởng; đã chấp thuận {format_number(accepted)}, "
            f"không chấp thuận {format_number(rejected)}, "
            f"đang xem xét {format_number(awards.proposed - accepted - rejected)}.",
        )
        for name, proposed, accepted in awards.by_kind:
            _body(document, f"- {name}: {format_number(proposed)} đề nghị, {format_number(accepted)} được chấp thuận.")
    _body(
        document,
        f"Đã ký {format_number(awards.decisions_signed)} quyết định khen thưởng cho {format_number(awards.awardees)} "
        f"tập thể, cá nhân, tổng số tiền thưởng {format_number(awards.total_amount)} đồng"
        + (f"; {format_number(awards.decisions_draft)} quyết định đang dự thảo." if awards.decisions_draft else "."),
    )


def _annex(document: Any, reports: Sequence[PeriodReport], *, whole_plan: bool) -> None:
    annex = document.add_section()
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    annex.top_margin, annex.bottom_margin, annex.left_margin, annex.right_margin = Mm(20), Mm(15), Mm(20), Mm(15)
    for report in reports:
        suffix = f" — {report.period.name}" if whole_plan else ""
        paragraph(document, f"PHỤ LỤC 1. GỬI SỐ LIỆU THEO KỲ{suffix}", bold=True, after=4)
        _table(
            document,
            ["Kỳ", "Hạn gửi", "Phải gửi", "Đủ số liệu", "Đã gửi", "Gửi đúng hạn"],
            [
                [
                    row.window.label,
                    short_date(row.deadline),
                    format_number(row.expected),
                    format_number(row.complete),
                    format_number(row.sent),
                    format_number(row.on_time),
                ]
                for row in report.sending
            ],
            [60, 30, 30, 30, 30, 30],
        )
        paragraph(document, f"PHỤ LỤC 2. KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ{suffix}", bold=True, after=4)
        _table(
            document,
            ["TT", "Tiêu chí", "Chỉ tiêu", "Giá trị chung", "Đạt/Số đối tượng", "Đánh giá", "So với đợt trước"],
            [
                [
                    str(s.criterion.order),
                    s.criterion.name,
                    s.target_text,
                    s.pooled_text,
                    f"{format_number(s.now.met)}/{format_number(s.now.applicable)}",
                    s.light_word,
                    s.change_text,
                ]
                for s in report.criteria
            ],
            [10, 95, 28, 28, 28, 22, 30],
        )
        paragraph(document, f"PHỤ LỤC 3. BẢNG XẾP HẠNG{suffix}", bold=True, after=4)
        for ranking in report.rankings:
            paragraph(document, ranking.title, bold=True, italic=True, align=LEFT, after=2)
            _table(
                document,
                ["Hạng", "Tên", "Đơn vị công tác", "Tổng điểm", "Tỷ lệ điểm", "Số tiêu chí đạt", "Số liệu"],
                [
                    [
                        f"{s.rank}{' (đồng hạng)' if s.tied else ''}",
                        s.name,
                        s.participant.unit_name or "",
                        format_number(s.total_points, 2),
                        format_percent(s.ratio),
                        format_number(s.targets_met),
                        f"{format_number(s.readings_present)}/{format_number(s.readings_expected)}",
                    ]
                    for s in ranking.standings
                ],
                [26, 75, 60, 25, 25, 22, 24],
            )


def _opening(
    plan: Plan, reports: Sequence[PeriodReport], title: str, summary: str, note: str, *, compact: bool = False
) -> Any:
    """A new document down to the data note: header, "DỰ THẢO", the document's name, its trích yếu and rule."""
    document = new_document()
    place = plan.place or issuer_phrase(plan.issuer).split(" ", 1)[-1].title()
    add_header(
        document,
        issuer_lines=issuer_name_lines(plan.issuer),
        number_line=f"Số:{EMSPACE * 3}/{SYMBOL}",
        place_and_date=f"{place}, ngày{EMSPACE * 2}tháng{EMSPACE * 2}năm {reports[0].built_at.year}",
    )
    paragraph(document, "DỰ THẢO", size=12, bold=True, align=RIGHT, before=0 if compact else 6)
    paragraph(document, title, bold=True, before=6 if compact else 12)
    paragraph(document, summary, size=13 if compact else 14, bold=True)
    rule = paragraph(document, "", size=6, underline_border=True)
    rule.paragraph_format.left_indent, rule.paragraph_format.right_indent = Mm(60), Mm(60)
    paragraph(document, note, size=11 if compact else 12, italic=True, align=JUSTIFY, before=6, after=6)
    return document


def _closing(document: Any, plan: Plan, *, recipients_limit: int | None = None) -> None:
    """Nơi nhận (the plan's, ending with "Lưu: VT."; the first few for a one-page note) and the signature block."""
    if recipients_limit is None:
        paragraph(document, after=6)
    recipients = [r.strip().rstrip(";.") for r in plan.recipients if r and r.strip()]
    recipients = [r for r in recipients if not r.startswith("Lưu")][:recipients_limit] + [
        r for r in recipients if r.startswith("Lưu")
    ]
    if not any(line.startswith("Lưu") for line in recipients):
        recipients.append("Lưu: VT")
    recipients = [line + (";" if index < len(recipients) - 1 else ".") for index, line in enumerate(recipients)]
    if plan.issuer.is_administrative:
        signature = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    else:
        signature = [(plan.signer_title or "THỦ TRƯỞNG").upper()]
    add_closing(
        document,
        recipients=recipients,
        signature_lines=signature,
        signer_name=plan.signer_name,
        room=3 if recipients_limit else 4,
    )


def render_report_docx(*, plan: Plan, reports: Sequence[PeriodReport], user: User, whole_plan: bool = False) -> bytes:
    """The report of one period (or of every period of the plan for a tổng kết) as .docx bytes."""
    periods = [report.period for report in reports]
    document = _opening(
        plan, reports, "BÁO CÁO", report_summary(plan, periods, whole_plan=whole_plan), data_note(reports)
    )
    plan_line = f"Kế hoạch số {plan.number_display}" if plan.number else "Kế hoạch"
    issued = f" ngày {short_date(plan.issued_on)}" if plan.issued_on else ""
    _body(
        document,
        f"Thực hiện {plan_line}{issued} của {issuer_name_lines(plan.issuer)[-1].title()} về phong trào thi đua "
        f"{movement_name(plan.title)}, {issuer_phrase(plan.issuer)} báo cáo kết quả "
        f"{_review_word(periods, whole_plan)} như sau:",
    )

    sections = (
        ("Kết quả triển khai", _section_one),
        ("Kết quả thực hiện các tiêu chí", _section_two),
        ("Xếp hạng", _section_three),
        ("Khen thưởng", _section_four),
    )
    for number, (title, write) in zip(ROMAN, sections, strict=False):
        _heading(document, f"{number}. {title.upper()}")
        if whole_plan and number == "II":
            _picture(document, chart_png(scoring_selectors.period_comparison(plan=plan, user=user), height=3.6))
        for report in reports:
            if whole_plan:
                _heading(document, report.period.name, level=2)
            write(document, report)
        if not whole_plan and number == "II":
            charts = scoring_selectors.plan_chart_data(period=reports[0].period, user=user)
            for chart in charts:
                _picture(document, chart_png(chart, height=2.6))
    for number, title in (("V", "Tồn tại, hạn chế"), ("VI", "Phương hướng, nhiệm vụ thời gian tới")):
        _heading(document, f"{number}. {title.upper()}")
        _body(document, PROMPTS[number], italic=True)
    _body(document, f"Trên đây là báo cáo {_review_word(periods, whole_plan)} của {issuer_phrase(plan.issuer)}./.")

    _closing(document, plan)
    _annex(document, reports, whole_plan=whole_plan)
    for run_paragraph in document.paragraphs:
        for run in run_paragraph.runs:
            if run.font.size is None:
                run.font.size = Pt(14)
    return as_bytes(document)


def render_quick_report_docx(*, quick: QuickReport) -> bytes:
    """A báo cáo nhanh: the same sections in one page, for the windows of a date range (cao điểm plans report every
    few days); no annex, no chart."""
    report = quick.report
    plan, period = report.plan, report.period
    between = f"từ ngày {short_date(quick.start)} đến ngày {short_date(quick.end)}"
    document = _opening(
        plan,
        [report],
        "BÁO CÁO NHANH",
        f"Tiến độ {period.name} phong trào thi đua {movement_name(plan.title)} {between}",
        data_note([report]),
        compact=True,
    )
    small = 12
    paragraph(document, "I. KẾT QUẢ TRIỂN KHAI", size=small, bold=True, align=LEFT, before=4)
    expected = sum(row.expected for row in quick.sending)
    paragraph(
        document,
        f"{format_number(report.participant_total)} đối tượng tham gia; {format_number(len(quick.sending))} kỳ báo "
        f"cáo {between}: {format_number(sum(row.complete for row in quick.sending))}/{format_number(expected)} lượt đủ "
        f"số liệu, {format_number(sum(row.sent for row in quick.sending))} lượt đã gửi, "
        f"{format_number(sum(row.on_time for row in quick.sending))} lượt đúng hạn.",
        size=small,
        align=JUSTIFY,
        indent=True,
    )
    paragraph(document, "II. KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ", size=small, bold=True, align=LEFT, before=4)
    # The windows of the range name the columns when every criterion has figures in the same ones (the usual case).
    firsts = {row.first_label for row in quick.criteria if row.first_label}
    lasts = {row.last_label for row in quick.criteria if row.last_label}
    shared = len(firsts) <= 1 and len(lasts) <= 1
    headers = ["Tiêu chí", "Chỉ tiêu", "Kỳ đầu", "Kỳ cuối"]
    if shared and firsts and lasts:
        headers[2:] = [f"Kỳ đầu\n{firsts.pop()}", f"Kỳ cuối\n{lasts.pop()}"]
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_text(cell, text, size=10, bold=True, align=CENTER)
    for row in quick.criteria:
        cells = table.add_row().cells
        values = [
            f"{row.summary.criterion.order}. {row.summary.criterion.name}",
            row.summary.target_text,
            row.first_text if shared or not row.first_label else f"{row.first_text} ({row.first_label})",
            row.last_text if shared or not row.last_label else f"{row.last_text} ({row.last_label})",
        ]
        for cell, text in zip(cells, values, strict=True):
            cell_text(cell, text, size=10)
    fixed_widths(table, [Mm(80), Mm(25), Mm(30), Mm(30)])
    paragraph(document, "III. XẾP HẠNG (tạm tính đến nay)", size=small, bold=True, align=LEFT, before=4)
    for ranking in report.rankings:
        leaders = "; ".join(_who(standing) for standing in ranking.top)
        paragraph(document, f"{ranking.title}: {leaders}.", size=small, align=JUSTIFY, indent=True)
    paragraph(document, "IV. KHEN THƯỞNG", size=small, bold=True, align=LEFT, before=4)
    paragraph(
        document,
        f"{format_number(report.awards.proposed)} đề nghị khen thưởng; "
        f"{format_number(report.awards.decisions_signed)} quyết định đã ký.",
        size=small,
        align=JUSTIFY,
        indent=True,
    )
    paragraph(document, "V. TỒN TẠI, HẠN CHẾ – VI. PHƯƠNG HƯỚNG", size=small, bold=True, align=LEFT, before=4)
    paragraph(document, "(Văn phòng bổ sung ngắn gọn.)", size=small, italic=True, align=JUSTIFY, indent=True)
    _closing(document, plan, recipients_limit=QUICK_RECIPIENTS)
    return as_bytes(document)
