"""Load test on loopback: N office users enter readings for S seconds through gunicorn and PostgreSQL.

    .venv/bin/python -m bench.load_readings --clients 50 --seconds 60 --workers 4

Each client is an nhập liệu user of its own section with its own participant; in a loop it opens the entry page
(the grid and its version), then saves a new figure with that version, as a browser does. Every answer is counted:
a 302 back to the grid is an acknowledged write; anything else (4xx, 5xx, a timeout) is an error. At the end the
database must hold exactly the acknowledged writes: each save bumps the reading's version by one and adds one history
row, so Σ versions == Σ history rows == acknowledged. The figures are printed as JSON (and written to --output).
Uses its own database (thidua_load, dropped and created again), never the app's. Exit status 1 on any error or
lost write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/thidua_load"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _environment(url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "load-test-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "false",
        "CONN_MAX_AGE": "60",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def _recreate_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


SETUP = r"""
import datetime as dt, json, sys
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from campaigns.models import Membership, Participant, Period, Plan, Unit
from scoring.models import Criterion, Indicator
from scoring.windows import windows_for

clients = int(sys.argv[1])
today = timezone.localdate()
def month_start(day, shift):
    month = day.month - 1 + shift
    return dt.date(day.year + month // 12, month % 12 + 1, 1)
start, end = month_start(today, -1), month_start(today, 2) - dt.timedelta(days=1)
commune = Unit.objects.add_root({"code": "LOAD", "name": "Xã Tải Thử", "short_name": "Tải Thử", "kind": "xa"})
plan = Plan.objects.create(key="tai-thu", issuer=commune, title="Kế hoạch tải thử", start=start, end=end,
                           status="active", frequency="monthly", grace_days=5)
period = Period.objects.create(plan=plan, order=1, name="Đợt 1", start=start, end=end)
indicator = Indicator.objects.create(code="tai-thu", name="Tỷ lệ tải thử", kind="rate")
Criterion.objects.create(plan=plan, indicator=indicator, code="tc1", name="Tải thử", target=Decimal(90),
                         max_points=Decimal(100), rule="linear")
window = next(w for w in windows_for(period) if w.start <= today <= w.end)
User = get_user_model()
out = []
for n in range(clients):
    unit = Unit.objects.add_child(Unit.objects.get(pk=commune.pk), {"code": f"LOAD-{n}", "name": f"Bộ phận {n}",
                                                                     "short_name": f"BP {n}", "kind": "bo_phan"})
    participant = Participant.objects.create(plan=plan, kind="collective", unit=unit, name=unit.name)
    user = User.objects.create(username=f"tai_{n}")
    Membership.objects.create(user=user, unit=unit, role="nhap_lieu")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    out.append({"session": session.session_key,
                "url": f"/nhap-lieu/dot/{period.pk}/doi-tuong/{participant.pk}/ky/{window.start.isoformat()}/",
                "indicator": indicator.pk, "participant": participant.pk})
print(json.dumps(out))
"""

CHECK = r"""
import json
from django.db.models import Sum
from scoring.models import Reading
print(json.dumps({"readings": Reading.objects.count(),
                  "versions": Reading.objects.aggregate(total=Sum("version"))["total"] or 0,
                  "history_saves": Reading.history.filter(history_type__in=["+", "~"]).count()}))
"""


def _django(env: dict, code: str, *args: str) -> str:
    runner = "import django, sys; django.setup(); exec(sys.stdin.read())"
    return (
        subprocess.run(
            [sys.executable, "-c", runner, *args],
            input=code,
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acknowledged = 0
        self.requests = 0
        self.errors: list[str] = []
        self.latencies: list[float] = []

    def record(self, seconds: float, error: str | None = None, acknowledged: bool = False) -> None:
        with self.lock:
            self.requests += 1
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)
            if acknowledged:
                self.acknowledged += 1


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _client(base: str, spec: dict, deadline: float, stats: Stats) -> None:
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            "sessionid",
            spec["session"],
            None,
            False,
            "127.0.0.1",
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    key = f"r{spec['indicator']}"
    step = 0
    while time.monotonic() < deadline:
        step += 1
        started = time.monotonic()
        try:
            page = opener.open(base + spec["url"], timeout=30).read().decode()
            stats.record(time.monotonic() - started)
        except Exception as error:
            stats.record(time.monotonic() - started, f"GET {type(error).__name__}: {error}")
            continue
        version = re.search(rf'name="{key}-version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="{key}-version"', page)
        token = CSRF.search(page)
        if not (version and token):
            stats.record(0, "GET: no form on the page")
            continue
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                f"{key}-numerator": step % 50,
                f"{key}-denominator": 50,
                f"{key}-version": version.group(1) or version.group(2),
                f"{key}-note": "",
            }
        ).encode()
        request = urllib.request.Request(base + spec["url"], data=data, headers={"Referer": base + spec["url"]})
        started = time.monotonic()
        try:
            opener.open(request, timeout=30)
            stats.record(time.monotonic() - started, "POST answered 200 instead of 302")
        except urllib.error.HTTPError as answer:
            if answer.code == 302:
                stats.record(time.monotonic() - started, acknowledged=True)
            else:
                stats.record(time.monotonic() - started, f"POST {answer.code}")
        except Exception as error:
            stats.record(time.monotonic() - started, f"POST {type(error).__name__}: {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--output", default="", help="also write the figures to this JSON file")
    args = parser.parse_args()

    env = _environment(args.database_url)
    _recreate_database(args.database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    specs = json.loads(_django(env, SETUP, str(args.clients)))
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/dang-nhap/", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        stats = Stats()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [threading.Thread(target=_client, args=(base, spec, deadline, stats)) for spec in specs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    database = json.loads(_django(env, CHECK))
    latencies = sorted(stats.latencies) or [0.0]
    figures = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "clients": args.clients,
        "seconds": args.seconds,
        "gunicorn": f"{args.workers} workers × {args.threads} threads",
        "requests": stats.requests,
        "requests_per_second": round(stats.requests / elapsed, 1),
        "acknowledged_writes": stats.acknowledged,
        "writes_per_second": round(stats.acknowledged / elapsed, 1),
        "errors": len(stats.errors),
        "error_samples": sorted(set(stats.errors))[:10],
        "latency_ms": {
            "p50": round(statistics.median(latencies) * 1000, 1),
            "p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
            "max": round(latencies[-1] * 1000, 1),
        },
        "database": database,
        "no_lost_write": database["versions"] == stats.acknowledged == database["history_saves"],
    }
    if args.output:
        Path(args.output).write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0 if figures["errors"] == 0 and figures["no_lost_write"] else 1


if __name__ == "__main__":
    sys.exit(main())
