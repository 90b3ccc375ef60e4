"""Run the benchmarks: `make bench BENCH_ARGS="--scales small,province,national --runs 3 --seed 1"`.

For each scale: empty the bench database, generate the plan, then measure (each run in its own child process, see
bench/measure.py; each figure the median of the runs) the import, data entry under load, the period close and its
SQL floor, the standings page, the two Excel exports and the decision PDF with its WeasyPrint floor. Prints a table
and writes bench/results.json (scales not run this time keep their previous figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
WORK = ROOT / "var" / "bench"


def child(name: str, *, scale: str, seed: int, arg: str = "", timeout: float) -> dict[str, Any]:
    """One measurement in a fresh process; {"error": …} when it fails or runs out of time."""
    command = [sys.executable, "-m", "bench.measure", name, "--scale", scale, "--seed", str(seed), "--arg", arg]
    began = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=os.environ)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s", "seconds": None, "wall": time.perf_counter() - began}
    line = next((line for line in reversed(done.stdout.splitlines()) if line.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail)[:500], "seconds": None}
    return json.loads(line[len("BENCH ") :])


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median seconds over the successful runs, the highest peak memory, the other fields of the last good run."""
    good = [run for run in runs if run.get("seconds") is not None and "error" not in run]
    summary: dict[str, Any] = {"runs": len(runs), "ok": len(good)}
    if not good:
        summary["error"] = runs[-1].get("error") if runs else "not run"
        return summary
    summary.update({key: value for key, value in good[-1].items() if key not in ("seconds", "maxrss_mb")})
    summary["seconds"] = round(statistics.median(run["seconds"] for run in good), 4)
    summary["all_seconds"] = [round(run["seconds"], 4) for run in good]
    for key in ("parse_seconds", "decision_seconds", "certificates_seconds"):
        if key in good[-1]:
            summary[key] = round(statistics.median(run[key] for run in good), 4)
    if any("maxrss_mb" in run for run in good):
        summary["maxrss_mb"] = max(run.get("maxrss_mb", 0) for run in good)
    if any(run.get("error") for run in runs):
        summary["failed_runs"] = [run["error"] for run in runs if run.get("error")]
    return summary


def measure_scale(
    scale: str, *, seed: int, runs: int, timeout: float, clients: int, load_seconds: float, workers: int, log
) -> dict[str, Any]:
    from bench.generate import expected_counts, generate, reset_database
    from bench.load import run_load
    from bench.state import decision_with_awardees, load, reopen, vacuum

    figures: dict[str, Any] = {}
    log(f"[{scale}] generating (seed {seed})")
    reset_database()
    made = generate(scale=scale, seed=seed)
    vacuum()
    expected = expected_counts(scale)
    if made.counts["readings"] != expected["readings"]:
        raise RuntimeError(f"generator wrote {made.counts['readings']} readings, expected {expected['readings']}")
    log(f"[{scale}] {made.counts} in {made.seconds:.1f} s")
    bench = load(scale, seed)

    def measure(name: str, arg: str = "", times: int = runs) -> dict[str, Any]:
        results = []
        for index in range(times):
            result = child(name, scale=scale, seed=seed, arg=arg, timeout=timeout)
            log(
                f"[{scale}] {name} {arg} run {index + 1}/{times}: "
                + (f"{result['seconds']:.3f} s" if result.get("seconds") is not None else result.get("error", ""))
            )
            results.append(result)
            if result.get("error", "").startswith("timeout"):
                break  # the next run would time out as well
        return summarise(results)

    figures["baseline"] = measure("baseline", times=1)

    figures["import"], figures["floor_openpyxl"] = _measure_import(
        bench, scale=scale, seed=seed, runs=runs, timeout=timeout, log=log
    )

    log(f"[{scale}] load: {clients} clients × {load_seconds:.0f} s on gunicorn ({workers} workers)")
    figures["load"] = run_load(bench, clients=clients, seconds=load_seconds, workers=workers)
    log(f"[{scale}] load: {figures['load']}")

    figures["floor_sql"] = measure("floor_sql")
    closes = []
    for index in range(runs):
        reopen(bench)
        closes.append(child("close", scale=scale, seed=seed, timeout=timeout))
        log(f"[{scale}] close run {index + 1}: {closes[-1].get('seconds') or closes[-1].get('error')}")
        if closes[-1].get("error", "").startswith("timeout"):
            break
    figures["close"] = summarise(closes)
    if not figures["close"].get("ok"):
        log(
            f"[{scale}] the close failed: pages, exports and PDF are measured on standings computed by "
            "recompute_period + freeze_standings + propose_for_period instead"
        )
        began = time.perf_counter()
        _close_steps_directly(bench)
        figures["close_steps"] = {"seconds": round(time.perf_counter() - began, 2), "runs": 1, "ok": 1}
        log(f"[{scale}] recompute + freeze + propose without the lock: {figures['close_without_lock']['seconds']} s")

    figures["standings_first"] = measure("standings", "first")
    figures["standings_deep"] = measure("standings", "deep")
    figures["export_standings"] = measure("export", "standings")
    figures["export_readings"] = measure("export", "readings", times=min(runs, 1 if scale == "national" else runs))

    decision_id = decision_with_awardees(bench)
    figures["pdf"] = measure("pdf", str(decision_id))
    figures["floor_weasyprint"] = measure("floor_weasyprint", str(decision_id))
    return {"counts": made.counts, "generate_seconds": round(made.seconds, 1), "runs": runs, "figures": figures}


def _measure_import(
    bench, *, scale: str, seed: int, runs: int, timeout: float, log, first_run: int = 1
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The import and its openpyxl floor: a new workbook per run (figures drawn from the run number differ from the
    previous run's, so every row is a change), the floor measured on each workbook just before its import."""
    from bench.state import write_workbook

    WORK.mkdir(parents=True, exist_ok=True)
    imports, floors, rows = [], [], 0
    for index in range(first_run, first_run + runs):
        path = WORK / f"import-{scale}-{index}.xlsx"
        rows = write_workbook(bench, path, index)
        floors.append(child("floor_openpyxl", scale=scale, seed=seed, arg=str(path), timeout=timeout))
        imports.append(child("import", scale=scale, seed=seed, arg=str(path), timeout=timeout))
        log(
            f"[{scale}] import run {index}: {imports[-1].get('seconds') or imports[-1].get('error')} "
            f"(parse {imports[-1].get('parse_seconds')}, floor {floors[-1].get('seconds')}, "
            f"{imports[-1].get('maxrss_mb')} MB)"
        )
        (WORK / f"import-runs-{scale}").write_text(str(index))
        if imports[-1].get("error", "").startswith("timeout"):
            break
    return summarise(imports) | {"workbook_rows": rows}, summarise(floors)


def _close_steps_directly(bench) -> None:
    """Fallback when the real close cannot finish: the same steps run directly, so that the pages after
    it have standings and proposals to show."""
    from django.db import transaction

    from awards.services.nominations import propose_for_period
    from bench.state import reopen
    from scoring.services.scores import freeze_standings

    reopen(bench)
    with transaction.atomic():
        freeze_standings(period=bench.period)
        propose_for_period(period=bench.period)


REMEASURABLE = {
    "baseline": ("baseline", ""),
    "floor_sql": ("floor_sql", ""),
    "standings_first": ("standings", "first"),
    "standings_deep": ("standings", "deep"),
    "export_standings": ("export", "standings"),
    "export_readings": ("export", "readings"),
    "pdf": ("pdf", None),
    "floor_weasyprint": ("floor_weasyprint", None),
}


def remeasure(scale: str, names: list[str], *, seed: int, runs: int, timeout: float, output: Path, log) -> None:
    """Measure some figures again on the data left in the database by the last run of this scale."""
    from awards.models import Decision
    from bench.state import load

    bench = load(scale, seed)
    decision = Decision.objects.filter(period=bench.period).order_by("-pk").values_list("pk", flat=True).first()
    results = json.loads(output.read_text()) if output.exists() else {"scales": {}}
    entry = results["scales"].get(scale) or {"figures": {}}
    for name in names:
        stamp = {
            "remeasured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load_average": f"{os.getloadavg()[0]:.1f}",
        }
        if name == "import":
            # Each import writes new figures: the run numbers continue after the last ones used on this database
            # (kept in var/bench), so every workbook differs from the data the previous import left.
            counter = WORK / f"import-runs-{scale}"
            first = int(counter.read_text()) + 1 if counter.exists() else 1
            entry["figures"]["import"], entry["figures"]["floor_openpyxl"] = _measure_import(
                bench, scale=scale, seed=seed, runs=runs, timeout=timeout, log=log, first_run=first
            )
            entry["figures"]["import"] |= stamp
        else:
            measurement, arg = REMEASURABLE[name]
            arg = str(decision) if arg is None else arg
            runs_done = []
            for index in range(runs):
                runs_done.append(child(measurement, scale=scale, seed=seed, arg=arg, timeout=timeout))
                log(
                    f"[{scale}] {name} again, run {index + 1}/{runs}: {runs_done[-1].get('seconds')} s, "
                    f"{runs_done[-1].get('maxrss_mb')} MB {runs_done[-1].get('error', '')}"
                )
            entry["figures"][name] = summarise(runs_done) | stamp
        results = json.loads(output.read_text()) if output.exists() else {"scales": {}}
        results["scales"][scale] = entry
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")


def commit() -> str | None:
    """The commit measured: `git rev-parse` in a checkout, else var/bench/commit written next to an archive."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        marker = WORK / "commit"
        return marker.read_text().strip() if marker.exists() else None


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    memory = ""
    try:
        kib = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    system = platform.platform()
    try:
        system = next(
            line.split("=", 1)[1].strip().strip('"')
            for line in open("/etc/os-release")
            if line.startswith("PRETTY_NAME=")
        )
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "memory": memory,
        "system": system,
        "python": platform.python_version(),
        "postgresql": server,
    }


# ---------------------------------------------------------------------------------------------------------------------
# The table


def _s(figure: dict | None, key: str = "seconds", digits: int = 2) -> str:
    if not figure:
        return "—"
    if figure.get("seconds") is None and key == "seconds":
        return f"✗ {figure.get('error', 'failed')[:60]}"
    value = figure.get(key)
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(numerator: dict | None, denominator: dict | None) -> str:
    if numerator is None or denominator is None:
        return "—"
    try:
        return f"{numerator['seconds'] / denominator['seconds']:.1f}×"
    except (KeyError, TypeError, ZeroDivisionError):
        return "—"


def _ms(figure: dict | None) -> str:
    if not figure or figure.get("seconds") is None:
        return _s(figure)
    return f"{figure['seconds'] * 1000:.0f} ms / {figure.get('queries', '?')} q"


def table(results: dict[str, Any]) -> str:
    """The markdown table of the latest figures, one column per scale."""
    scales = [scale for scale in ("small", "province", "national") if scale in results.get("scales", {})]
    data = {scale: results["scales"][scale] for scale in scales}

    def row(label: str, cell) -> str:
        return "| " + label + " | " + " | ".join(cell(data[scale], data[scale]["figures"]) for scale in scales) + " |"

    lines = [
        "| measurement | " + " | ".join(scales) + " |",
        "|---|" + "---|" * len(scales),
        row("participants / readings", lambda d, f: f"{d['counts']['participants']:,} / {d['counts']['readings']:,}"),
        row("commit measured", lambda d, f: str(d.get("commit", "—"))),
        row("runs per figure (median)", lambda d, f: str(d.get("runs", "—"))),
        row("load average during the run", lambda d, f: str(d.get("load_average", "—"))),
        row("generate (s)", lambda d, f: f"{d['generate_seconds']:.1f}"),
        row("import workbook: rows", lambda d, f: f"{f['import'].get('workbook_rows', '—'):,}"),
        row("import: parse + write (s)", lambda d, f: _s(f["import"])),
        row("import floor: openpyxl read (s)", lambda d, f: _s(f["floor_openpyxl"], digits=3)),
        row("import ÷ floor (target ≤ 2×)", lambda d, f: _ratio(f["import"], f["floor_openpyxl"])),
        row("import peak memory (MB)", lambda d, f: _s(f["import"], "maxrss_mb", 0)),
        row("period close, end to end (s)", lambda d, f: _s(f["close"])),
        *(
            [row("close steps run directly, when the close failed (s)", lambda d, f: _s(f.get("close_steps")))]
            if any("close_steps" in d["figures"] for d in data.values())
            else []
        ),
        row("close floor: one SQL aggregate (s)", lambda d, f: _s(f["floor_sql"], digits=3)),
        row("close ÷ floor (target ≤ 3×, < 60 s)", lambda d, f: _ratio(f["close"], f["floor_sql"])),
        row("close peak memory (MB)", lambda d, f: _s(f["close"], "maxrss_mb", 0)),
        row("standings page 1 (server, queries)", lambda d, f: _ms(f["standings_first"])),
        row("standings last page of largest group", lambda d, f: _ms(f["standings_deep"])),
        row("standings Excel export (s)", lambda d, f: _s(f["export_standings"])),
        row("standings export peak memory (MB)", lambda d, f: _s(f["export_standings"], "maxrss_mb", 0)),
        row("readings Excel export (s)", lambda d, f: _s(f["export_readings"])),
        row("readings export peak memory (MB)", lambda d, f: _s(f["export_readings"], "maxrss_mb", 0)),
        row("decision PDF + certificates (s)", lambda d, f: _s(f["pdf"])),
        row("awardees in the decision", lambda d, f: str(f["pdf"].get("awardees", "—"))),
        row("PDF floor: WeasyPrint on the HTML (s)", lambda d, f: _s(f["floor_weasyprint"])),
        row("PDF ÷ floor", lambda d, f: _ratio(f["pdf"], f["floor_weasyprint"])),
        row(
            "data entry: grid saves/s (readings/s)",
            lambda d, f: f"{f['load'].get('saves_per_second', '—')} ({f['load'].get('readings_per_second', '—')})",
        ),
        row(
            "data entry: clients, p50 / p95 (ms)",
            lambda d, f: f"{f['load'].get('clients')}, {f['load'].get('p50_ms')} / {f['load'].get('p95_ms')}",
        ),
        row("data entry: errors", lambda d, f: str(f["load"].get("errors", "—"))),
        row("child process at rest (MB)", lambda d, f: _s(f["baseline"], "maxrss_mb", 0)),
    ]
    info = results.get("machine", {})
    header = (
        f"Machine: {info.get('cpus')} cores, {info.get('memory')}, {info.get('system')}, PostgreSQL "
        f"{info.get('postgresql')}, Python {info.get('python')}; seed {results.get('seed')}; "
        "each time the median of the runs; memory = peak RSS (VmHWM) of the measuring child process, "
        "Django included." + (f" {results['note']}" if results.get("note") else "")
    )
    return header + "\n\n" + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Thi đua benchmarks at three scales, against their floors.")
    parser.add_argument("--scales", default="small,province,national")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before one measurement is given up")
    parser.add_argument("--clients", type=int, default=8, help="concurrent data-entry clients")
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for the load test")
    parser.add_argument("--generate-only", action="store_true", help="only empty the database and generate")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results file (scales not run are kept)")
    parser.add_argument(
        "--remeasure",
        default="",
        help="comma-separated figures (import, standings_first, "
        "standings_deep, export_standings, export_readings, pdf, floor_weasyprint, floor_sql, "
        "baseline) measured again on the data already in the database, no generation; import also "
        "measures its openpyxl floor",
    )
    parser.add_argument("--table", action="store_true", help="print the table of bench/results.json and stop")
    args = parser.parse_args()
    scales = [scale.strip() for scale in args.scales.split(",") if scale.strip()]

    if args.table:
        print(table(json.loads(args.output.read_text())))
        return
    url = db.setup(migrate=True)

    def log(message: str) -> None:
        print(f"{dt.datetime.now(dt.UTC):%H:%M:%S} {message}", flush=True)

    log(f"bench database {url}")
    if args.generate_only:
        from bench.generate import generate, reset_database

        for scale in scales:
            reset_database()
            made = generate(scale=scale, seed=args.seed)
            log(f"[{scale}] {made.counts} in {made.seconds:.1f} s")
        return

    if args.remeasure:
        for scale in scales:
            remeasure(
                scale,
                [name.strip() for name in args.remeasure.split(",") if name.strip()],
                seed=args.seed,
                runs=args.runs,
                timeout=args.timeout,
                output=args.output,
                log=log,
            )
        results = json.loads(args.output.read_text())
        try:
            print(table(results))
        except (KeyError, TypeError):  # an output file holding only the figures measured again
            print(json.dumps(results, ensure_ascii=False, indent=2, default=str))
        return

    for scale in scales:
        before = os.getloadavg()[0]
        figures = measure_scale(
            scale,
            seed=args.seed,
            runs=args.runs,
            timeout=args.timeout,
            clients=args.clients,
            load_seconds=args.load_seconds,
            workers=args.workers,
            log=log,
        ) | {
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "load_average": f"{before:.1f} → {os.getloadavg()[0]:.1f}",
        }
        # Read again just before writing: another run may have written other scales meanwhile.
        results = json.loads(args.output.read_text()) if args.output.exists() else {"scales": {}}
        results.update(machine=machine(), seed=args.seed)
        results["scales"][scale] = figures | {"commit": commit()}
        args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n")
    print()
    print(table(results))


if __name__ == "__main__":
    main()
