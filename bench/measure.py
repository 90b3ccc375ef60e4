"""One measurement in a fresh child process: `python -m bench.measure NAME --scale S --seed N [--arg VALUE]`.

Prints one line ``BENCH {json}`` with the seconds of the measured operation and the process's peak resident memory
(``VmHWM`` of /proc/self/status: the whole child, Django and the libraries included, so compare it with the
``baseline`` measurement, a child that only starts Django). Not ``ru_maxrss``: on Linux a child's ru_maxrss starts
from its parent's peak at fork (exec keeps the old high-water mark), so it would report the runner's memory.
A fresh process per measurement keeps one measurement's memory and caches out of the next.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from typing import Any

from bench import db

FLOOR_SQL = """
SELECT r.participant_id, r.indicator_id,
       SUM(r.numerator) AS numerator_total,
       SUM(r.denominator) AS denominator_total,
       CASE WHEN SUM(r.denominator) > 0 THEN ROUND(SUM(r.numerator) * 100.0 / SUM(r.denominator), 4) END AS rate,
       SUM(r.value) AS value_total,
       (ARRAY_AGG(r.value ORDER BY r.window_start DESC) FILTER (WHERE r.value IS NOT NULL))[1] AS last_value,
       COUNT(*) FILTER (WHERE r.denominator IS NOT NULL OR r.value IS NOT NULL) AS readings
FROM scoring_reading r
WHERE r.period_id = %s
GROUP BY r.participant_id, r.indicator_id
"""


def _maxrss_mb() -> float:
    """Peak resident memory of this process's own address space (since exec), in MB."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration, ValueError):  # not Linux: ru_maxrss (KiB on Linux, bytes on macOS)
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(bench, arg: str) -> dict[str, Any]:
    """Django started and the heavy modules imported, nothing done: the memory every other figure includes."""
    import openpyxl  # noqa: F401
    import weasyprint  # noqa: F401

    import awards.pdf  # noqa: F401
    import scoring.exports  # noqa: F401

    return {"seconds": 0.0}


def floor_sql(bench, arg: str) -> dict[str, Any]:
    """The floor of scoring: one hand-written aggregate giving every participant's period value per indicator."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, [bench.period.pk])
        rows = cursor.fetchall()
    return {"seconds": time.perf_counter() - began, "rows": len(rows)}


def close(bench, arg: str) -> dict[str, Any]:
    """The real period close, end to end (lock readings, scores, standings, freeze, quota engine, notices)."""
    from django.urls import reverse

    from planning.services.closing import close_period

    # What a long-running job worker has loaded once for all: the URLconf (the close's notices link to the period,
    # and the first reverse() imports every view, 1-3 s in a fresh process) and the services the close calls.
    reverse("planning:period_close", args=[bench.period.pk])
    import awards.services.nominations  # noqa: F401
    import scoring.services.scores  # noqa: F401

    began = time.perf_counter()
    result = close_period(period=bench.period)
    seconds = time.perf_counter() - began
    if not result.closed_now:
        raise RuntimeError("the period was already closed: the bench did not reopen it")
    return {"seconds": seconds, "standings": result.standings, "nominations": result.nominations}


def import_(bench, arg: str) -> dict[str, Any]:
    """The real Excel import as the commit step runs it: parse_readings, then import_readings (one transaction)."""
    from scoring.excel import parse_readings
    from scoring.services.readings import import_readings

    began = time.perf_counter()
    with open(arg, "rb") as source:
        result = parse_readings(user=bench.lead, period=bench.period, source=source)
    parsed = time.perf_counter() - began
    if result.errors:
        raise RuntimeError(f"import refused: {[str(e.message) for e in result.errors[:3]]}")
    changed = import_readings(user=bench.lead, period=bench.period, rows=result.rows)
    return {
        "seconds": time.perf_counter() - began,
        "parse_seconds": parsed,
        "rows": len(result.rows),
        "changed": changed,
    }


def floor_openpyxl(bench, arg: str) -> dict[str, Any]:
    """The floor of import: openpyxl reading every cell of the same workbook (read-only mode), nothing saved."""
    from openpyxl import load_workbook

    began = time.perf_counter()
    workbook = load_workbook(arg, read_only=True, data_only=True)
    cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    workbook.close()
    return {"seconds": time.perf_counter() - began, "cells": cells}


def _client(bench):
    from django.test import Client

    client = Client()
    client.force_login(bench.lead)
    return client


def standings(bench, arg: str) -> dict[str, Any]:
    """The standings page through the test client: warm-up, then the median of 5 requests and their query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = _client(bench)
    url = reverse("scoring:standing_list", args=[bench.period.pk])
    if arg == "deep":
        from scoring.models import Standing

        count = Standing.objects.filter(period=bench.period, group=bench.individual_group).count()
        url += f"?khoi={bench.individual_group.pk}&page={max(1, (count + 49) // 50)}"
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    times, queries = [], 0
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
        queries = len(captured.captured_queries)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
    return {"seconds": statistics.median(times), "queries": queries, "url": url, "bytes": len(response.content)}


def export(bench, arg: str) -> dict[str, Any]:
    """An Excel export through its view (standings or readings), the whole response read."""
    from django.urls import reverse

    client = _client(bench)
    name = "scoring:standing_export" if arg == "standings" else "scoring:reading_export"
    url = reverse(name, args=[bench.period.pk])
    began = time.perf_counter()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    seconds = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return {"seconds": seconds, "bytes": size, "streamed": response.streaming}


def pdf(bench, arg: str) -> dict[str, Any]:
    """The decision (with its list) and its certificates, from the decision to PDF bytes: context, template, PDF."""
    from awards.models import Decision
    from awards.pdf import render_certificates_pdf, render_decision_pdf

    decision = Decision.objects.select_related("issuer", "period__plan", "award_kind").get(pk=int(arg))
    began = time.perf_counter()
    document = render_decision_pdf(decision)
    middle = time.perf_counter()
    certificates = render_certificates_pdf(decision)
    end = time.perf_counter()
    return {
        "seconds": end - began,
        "decision_seconds": middle - began,
        "certificates_seconds": end - middle,
        "awardees": decision.nominations.count(),
        "decision_bytes": len(document),
        "certificates_bytes": len(certificates),
    }


def floor_weasyprint(bench, arg: str) -> dict[str, Any]:
    """The floor of the PDF: WeasyPrint alone on the already-rendered HTML of the same decision and certificates."""
    from django.template.loader import render_to_string

    from awards.models import Decision
    from awards.pdf import _write_pdf, decision_context
    from awards.wording import issuer_phrase

    decision = Decision.objects.select_related("issuer", "period__plan", "award_kind").get(pk=int(arg))
    decision_html = render_to_string("awards/pdf/decision.html", decision_context(decision))
    context = decision_context(decision)
    context["issuer_upper"] = issuer_phrase(decision.issuer).upper()
    certificates_html = render_to_string("awards/pdf/certificate.html", context)
    began = time.perf_counter()
    _write_pdf(decision_html)
    middle = time.perf_counter()
    _write_pdf(certificates_html)
    end = time.perf_counter()
    return {"seconds": end - began, "decision_seconds": middle - began, "certificates_seconds": end - middle}


MEASUREMENTS = {
    "baseline": baseline,
    "floor_sql": floor_sql,
    "close": close,
    "import": import_,
    "floor_openpyxl": floor_openpyxl,
    "standings": standings,
    "export": export,
    "pdf": pdf,
    "floor_weasyprint": floor_weasyprint,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name", choices=sorted(MEASUREMENTS))
    parser.add_argument("--scale", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--arg", default="")
    args = parser.parse_args()
    db.setup()
    from bench.state import load

    bench = load(args.scale, args.seed)
    outcome = MEASUREMENTS[args.name](bench, args.arg)
    outcome["maxrss_mb"] = round(_maxrss_mb(), 1)
    print("BENCH " + json.dumps(outcome, default=str), flush=True)


if __name__ == "__main__":
    main()
