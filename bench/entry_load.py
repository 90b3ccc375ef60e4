"""Data entry at scale, next to its floors measured in the same run (issue 15). Not a test: run it by hand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>_bench \\
        .venv/bin/python -m bench.entry_load --scale province --clients 1,4,8,16 --seconds 20

Needs the generated data of that scale (`python -m bench.run --generate-only --scales province`). Measures, on the
generated plan (20 criteria of every rule kind, collectives and individuals):

1. floors, in process, median of 25: the reading's UPDATE + its history INSERT (SQL only); the same plus the
   participant's own recompute (`recompute_participant`);
2. a one-cell save through the view (Django test client, server time inside the process, no network) and its
   number of SQL queries, for an individual and for a collective;
3. gunicorn (4 workers) with 1, 4, 8 and 16 clients, each a data-entry user on its own participant (one collective
   in sixteen, the rest individuals, as in a real plan): GET the month's grid, POST it with one cell changed.
   Saves/s, p50/p95 of the POST, errors, and lock waits (sessions waiting on a lock, sampled every 20 ms);
4. the Excel import of 500 rows (25 individuals × 20 indicators) next to openpyxl reading the same workbook;
5. the period close end to end next to its SQL floor (one aggregate of every period value).

Prints one JSON document (also written to --output).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from bench import db

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _floors(bench, participant, runs: int) -> dict[str, Any]:
    """The reading's UPDATE + history INSERT, then the same with the participant's own recompute."""
    from django.db import connection, transaction

    from scoring.models import Reading
    from scoring.services.readings import _copy_to_history
    from scoring.services.scores import recompute_participant

    reading = Reading.objects.filter(
        participant=participant, period=bench.period, window_start=bench.current_window, denominator__gt=0
    ).first()
    assert reading is not None, "the generated plan has a reading with a denominator in the current month"
    assert reading.denominator is not None  # filtered on denominator > 0
    cycle = reading.denominator + 1
    write, with_recompute = [], []
    for run in range(runs):
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE scoring_reading SET numerator = %s, version = version + 1 WHERE id = %s",
                [run % cycle, reading.pk],
            )
            _copy_to_history([reading.pk], history_type="~", reason="bench", user=None, now=_now())
        write.append(time.perf_counter() - began)
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE scoring_reading SET numerator = %s, version = version + 1 WHERE id = %s",
                [(run + 1) % cycle, reading.pk],
            )
            _copy_to_history([reading.pk], history_type="~", reason="bench", user=None, now=_now())
            recompute_participant(participant=participant, period=bench.period)
        with_recompute.append(time.perf_counter() - began)
    return {"write_ms": _median_ms(write), "write_and_recompute_ms": _median_ms(with_recompute)}


def _now():
    from django.utils import timezone

    return timezone.now()


def _one_cell_form(html: str, kinds: dict[int, str], rng: random.Random) -> dict[str, str]:
    """The grid's form as shown, with one figure changed (what a clerk does on a normal save)."""
    from bench.load import _Inputs

    inputs = _Inputs()
    inputs.feed(html)
    form = {name: value for name, value in inputs.values.items() if name.startswith(("r", "csrf"))}
    pk = rng.choice(sorted(kinds))
    if kinds[pk] == "rate":
        denominator = rng.randint(10, 300)
        form[f"r{pk}-numerator"], form[f"r{pk}-denominator"] = str(rng.randint(0, denominator)), str(denominator)
    else:
        form[f"r{pk}-value"] = str(rng.randint(0, 1) if kinds[pk] == "boolean" else rng.randint(0, 30))
    return form


def _view_save(bench, user, participant, kinds, runs: int) -> dict[str, Any]:
    """One-cell saves through the view, in process: server time and SQL queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    path = reverse("scoring:reading_entry", args=[bench.period.pk, participant.pk, bench.current_window])
    rng = random.Random(7)
    times, queries = [], []
    for _ in range(runs):
        form = _one_cell_form(client.get(path).content.decode(), kinds, rng)
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.post(path, form)
            times.append(time.perf_counter() - began)
        if response.status_code != 302:
            raise RuntimeError(f"save answered {response.status_code}")
        queries.append(len(captured))
    return {"ms": _median_ms(times), "queries": int(statistics.median(queries))}


def _lock_sampler(stop: threading.Event, samples: list[int]) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        while not stop.is_set():
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).fetchone()
            samples.append(row[0] if row else 0)
            time.sleep(0.02)


def _load(bench, clients: int, seconds: float, workers: int, kinds: dict[int, str]) -> dict[str, Any]:
    """gunicorn and `clients` threads: GET the grid, POST it with one cell changed; saves/s, latencies, lock waits."""
    import subprocess
    import sys

    from django.test import Client
    from django.urls import reverse

    from bench.load import _free_port, _wait_for
    from campaigns.models import Participant

    plans: list[dict[str, Any]] = []
    used: set[int] = set()
    for index, user in enumerate(bench.staff[:clients]):
        unit = user.memberships.get().unit
        mine = Participant.objects.filter(plan=bench.plan).exclude(pk__in=used).order_by("pk")
        kind = "collective" if index % 16 == 15 else "individual"
        participant = (
            mine.filter(kind=kind, person__unit__path__startswith=unit.path).first()
            if kind == "individual"
            else mine.filter(kind=kind, unit__path__startswith=unit.path).first()
        )
        assert participant is not None, f"no {kind} left under {unit.code}: generate a larger scale"
        used.add(participant.pk)
        browser = Client()
        browser.force_login(user)
        path = reverse("scoring:reading_entry", args=[bench.period.pk, participant.pk, bench.current_window])
        plans.append({"session": browser.cookies["sessionid"].value, "path": path, "latencies": [], "errors": []})

    port = _free_port()
    log = (WORK / "gunicorn-entry.log").open("w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "300", "--log-level", "warning", "--preload"],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    stop, samples = threading.Event(), list[int]()
    try:
        _wait_for(port)
        _warm_up(port, plans, workers)  # every worker has served a page before the clock starts
        deadline = time.monotonic() + seconds
        sampler = threading.Thread(target=_lock_sampler, args=(stop, samples))
        sampler.start()
        began = time.perf_counter()
        threads = [
            threading.Thread(target=_client, args=(plan, port, deadline, kinds, index))
            for index, plan in enumerate(plans)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        stop.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    latencies: list[float] = sorted(value for plan in plans for value in plan["latencies"])
    errors = [error for plan in plans for error in plan["errors"]]
    return {
        "clients": clients,
        "saves": len(latencies),
        "saves_per_second": round(len(latencies) / elapsed, 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 1) if latencies else None,
        "errors": len(errors),
        "error_samples": errors[:3],
        "lock_waiting_sessions_mean": round(statistics.mean(samples), 2) if samples else 0,
        "lock_waiting_sessions_max": max(samples) if samples else 0,
    }


def _warm_up(port: int, plans: list[dict], workers: int) -> None:
    import http.client

    for plan in (plans * workers)[: max(len(plans), workers * 2)]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("GET", plan["path"], headers={"Cookie": f"sessionid={plan['session']}"})
        connection.getresponse().read()
        connection.close()


def _client(plan: dict, port: int, deadline: float, kinds: dict[int, str], seed: int) -> None:
    import http.client
    from urllib.parse import urlencode

    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    cookie = f"sessionid={plan['session']}"
    while time.monotonic() < deadline:
        try:
            connection.request("GET", plan["path"], headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("csrftoken="):
                    cookie = f"sessionid={plan['session']}; {header.split(';')[0]}"
            if response.status != 200:
                raise RuntimeError(f"GET {response.status}")
            form = _one_cell_form(body, kinds, rng)
            began = time.perf_counter()
            connection.request(
                "POST",
                plan["path"],
                body=urlencode(form),
                headers={
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{port}{plan['path']}",
                    "Origin": f"http://127.0.0.1:{port}",
                },
            )
            response = connection.getresponse()
            response.read()
            if response.status != 302:
                raise RuntimeError(f"POST {response.status}")
            plan["latencies"].append(time.perf_counter() - began)
        except Exception as error:
            plan["errors"].append(str(error)[:200])
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.close()


def _import(bench, runs: int) -> dict[str, Any]:
    """500 rows for 25 individuals, next to openpyxl reading the same workbook."""
    from openpyxl import load_workbook

    from bench.state import write_workbook
    from campaigns.models import Participant
    from scoring.excel import parse_readings
    from scoring.services.readings import import_readings

    people = list(Participant.objects.filter(plan=bench.plan, kind="individual").order_by("-pk")[:25])
    imports, floors, rows = [], [], 0
    for run in range(runs):
        path = WORK / f"entry-import-{run}.xlsx"
        rows = write_workbook(bench, path, 1000 + run, participants=people)
        began = time.perf_counter()
        book = load_workbook(path, read_only=True, data_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()
        floors.append(time.perf_counter() - began)
        began = time.perf_counter()
        with path.open("rb") as handle:
            result = parse_readings(user=bench.lead, period=bench.period, source=handle)
        if result.errors:
            raise RuntimeError(str(result.errors[:2]))
        import_readings(user=bench.lead, period=bench.period, rows=result.rows)
        imports.append(time.perf_counter() - began)
    return {"rows": rows, "import_ms": _median_ms(imports), "openpyxl_floor_ms": _median_ms(floors)}


def _close(bench) -> dict[str, Any]:
    from bench.measure import close, floor_sql
    from bench.state import reopen

    floor = floor_sql(bench, "")
    closed = close(bench, "")
    reopen(bench)
    return {"close_s": closed.get("seconds"), "floor_s": floor.get("seconds")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="province")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", default="1,4,8,16")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--skip-close", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "bench" / "entry_results.json"))
    options = parser.parse_args()
    db.configure()
    import django

    django.setup()
    from bench.state import load
    from campaigns.models import Participant
    from scoring.models import Indicator
    from scoring.services.scores import recompute_period

    WORK.mkdir(parents=True, exist_ok=True)
    bench = load(options.scale, options.seed)
    recompute_period(period=bench.period)  # standings as a real open period has them
    kinds = dict(Indicator.objects.filter(criteria__plan=bench.plan).values_list("pk", "kind"))
    user = bench.staff[0]
    unit = user.memberships.get().unit
    person = Participant.objects.filter(
        plan=bench.plan, kind="individual", person__unit__path__startswith=unit.path
    ).order_by("-pk")[0]
    collective = Participant.objects.filter(plan=bench.plan, kind="collective", unit=unit).first()
    result: dict[str, Any] = {"scale": options.scale, "floors": _floors(bench, person, options.runs)}
    result["save_individual"] = _view_save(bench, user, person, kinds, options.runs)
    if collective is not None:
        result["save_collective"] = _view_save(bench, user, collective, kinds, options.runs)
    result["save_over_recompute_floor"] = round(
        result["save_individual"]["ms"] / result["floors"]["write_and_recompute_ms"], 2
    )
    result["load"] = [
        _load(bench, int(count), options.seconds, options.workers, kinds) for count in options.clients.split(",")
    ]
    result["import"] = _import(bench, 3)
    result["import"]["ratio"] = round(result["import"]["import_ms"] / result["import"]["openpyxl_floor_ms"], 2)
    if not options.skip_close:
        result["close"] = _close(bench)
        result["close"]["ratio"] = round(result["close"]["close_s"] / result["close"]["floor_s"], 2)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    Path(options.output).write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
