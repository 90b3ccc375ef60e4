"""The decision and its certificates as PDF (WeasyPrint), in the layout of Nghị định 30/2020/NĐ-CP.

The HTML templates carry their own CSS (A4, the decree's margins, a Times New Roman–compatible font with full
Vietnamese, page numbers from page 2). Drafts render with a "DỰ THẢO" mark and blanks for number and date.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.timezone import localtime

from awards import money
from awards.decision_selectors import decision_lines, split_lines
from awards.models import Decision, IssuerSetting
from awards.wording import issuer_phrase, movement_name, signature_lines, signed_at_display
from core.formatting import format_number, official_date


def _place_and_date(decision: Decision) -> str:
    """ "Tây Hiếu, ngày 05 tháng 02 năm 2024"; a draft without a date keeps the blanks the office fills in."""
    if decision.signed_on:
        return f"{decision.place}, {official_date(decision.signed_on)}"
    year = decision.year or ""
    return f"{decision.place}, ngày\u2003\u2003tháng\u2003\u2003năm {year}"


def _number_line(decision: Decision) -> str:
    if decision.number:
        return f"Số: {decision.number:02d}/{decision.symbol}"
    return f"Số:\u2003\u2003\u2003/{decision.symbol}"


def _annex_reference(decision: Decision) -> str:
    """ "(Kèm theo Quyết định số 05/QĐ-UBND ngày 05/02/2024 của Chủ tịch UBND xã Tây Hiếu)"."""
    number = f"{decision.number:02d}/{decision.symbol}" if decision.number else f"\u2003\u2003/{decision.symbol}"
    day = (
        decision.signed_on.strftime("%d/%m/%Y")
        if decision.signed_on
        else "\u2003\u2003/\u2003\u2003/" + str(decision.year or "")
    )
    who = (
        f"Chủ tịch UBND {issuer_phrase(decision.issuer)}"
        if decision.issuer.is_administrative
        else (decision.issuer.name)
    )
    return f"(Kèm theo Quyết định số {number} ngày {day} của {who})"


def _with_endings(lines: list[str], last: str) -> list[str]:
    """Each căn cứ / Nơi nhận line ends with ";" and the last one with `last` (Nghị định 30/2020)."""
    cleaned = [line.strip().rstrip(";.").strip() for line in lines if line and line.strip()]
    return [line + (last if index == len(cleaned) - 1 else ";") for index, line in enumerate(cleaned)]


def _signing_stamp(decision: Decision) -> str:
    """ "03/12/2026 14:36" under "Đã ký" when the decision was signed in the app on its own date; a decision
    entered later with an earlier date (signed on paper, the reason on record) carries no electronic stamp."""
    if not decision.signed_at or not decision.signed_on:
        return ""
    if localtime(decision.signed_at).date() != decision.signed_on:
        return ""
    return signed_at_display(decision.signed_at)


def decision_context(decision: Decision) -> dict[str, Any]:
    """Everything the decision template prints, computed once (also used by the .docx and the Excel list)."""
    lines = decision_lines(decision)
    for index, line in enumerate(lines, start=1):
        line["amount_display"] = format_number(line["amount"]) if line["amount"] is not None else ""
        line["index"] = index
    collectives, individuals = split_lines(lines)
    for number, line in enumerate(collectives, start=1):
        line["stt"] = number
    for number, line in enumerate(individuals, start=1):
        line["stt"] = number
    total = sum(line["amount"] or 0 for line in lines)
    bases = list(decision.legal_bases) + ([decision.proposal_basis] if decision.proposal_basis else [])
    return {
        "decision": decision,
        "is_draft": decision.status == Decision.Status.DRAFT,
        "is_annulled": decision.status == Decision.Status.ANNULLED,
        "issuer_lines": decision.issuer_name_lines,
        "number_line": _number_line(decision),
        "place_and_date": _place_and_date(decision),
        "legal_bases": _with_endings(bases, "."),
        "recipients": _with_endings(decision.recipients, "."),
        "articles": [("Điều 1.", decision.article_1), ("Điều 2.", decision.article_2), ("Điều 3.", decision.article_3)],
        "signature_lines": signature_lines(decision),
        "signer_name": decision.signer_name,
        "signed_at_display": _signing_stamp(decision),
        "collectives": collectives,
        "individuals": individuals,
        "lines": lines,
        "total": total,
        "total_display": format_number(total),
        "total_words": money.amount_in_words(total),
        "annex_reference": _annex_reference(decision),
        "certificate_title": decision.certificate_title_shown.upper(),
        "movement": movement_name(decision.period.plan.title),
    }


def _write_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, loaded only where PDFs are made

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_decision_pdf(decision: Decision) -> bytes:
    """The decision with its attached list, as PDF bytes (a draft carries the "DỰ THẢO" mark)."""
    return _write_pdf(render_to_string("awards/pdf/decision.html", decision_context(decision)))


DEFAULT_CERTIFICATE_LINE = "Đã có thành tích xuất sắc trong phong trào thi đua {phong_trao}"


def certificate_line(decision: Decision) -> str:
    """The achievement line a certificate prints: the issuer's configured line or the default, never the list's
    achievement column (ranks, scores and "tỷ lệ điểm" belong to the decision's list, not to a certificate)."""
    setting = IssuerSetting.objects.filter(unit=decision.issuer).first()
    template = (setting.certificate_line.strip() if setting else "") or DEFAULT_CERTIFICATE_LINE
    text = template.replace("{phong_trao}", movement_name(decision.period.plan.title)).rstrip(".")
    return text + "."


def render_certificates_pdf(decision: Decision) -> bytes:
    """One landscape certificate (Giấy khen / Bằng khen) per awardee, as PDF bytes."""
    context = decision_context(decision)
    context["issuer_upper"] = issuer_phrase(decision.issuer).upper()
    context["certificate_line"] = certificate_line(decision)
    return _write_pdf(render_to_string("awards/pdf/certificate.html", context))
