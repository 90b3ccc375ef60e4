"""Data-entry saves under load: gunicorn on loopback, several clients (threads, http.client), logged-in sessions.

Each client is an office user (nhập liệu) of its own commune working on its own participant: GET the entry grid of
the current month (CSRF token, versions), POST the 20 figures changed, follow nothing (a 302 is a saved grid).
A save is one grid POST (``scoring.views.entry.reading_entry`` → ``save_window_readings`` → ``apply_reading`` per
row, then the participant's recompute). Anything but a 302 on a POST, or a failed connection, is an error.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


class _Inputs(HTMLParser):
    """Every <input name=… value=…> of a page (the grid's versions and the CSRF token)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            attributes = dict(attrs)
            name = attributes.get("name")
            if name:
                self.values[name] = attributes.get("value") or ""


@dataclass
class _Client:
    session: str
    path: str
    kinds: dict[int, str]
    latencies: list[float] = field(default_factory=list)
    saves: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _work(client: _Client, port: int, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    cookie = f"sessionid={client.session}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    while time.monotonic() < deadline:
        try:
            connection.request("GET", client.path, headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
            csrf_cookie = next(
                (
                    c.split(";")[0].split("=", 1)[1]
                    for c in response.headers.get_all("Set-Cookie") or []
                    if c.startswith("csrftoken=")
                ),
                None,
            )
            if csrf_cookie:
                cookie = f"sessionid={client.session}; csrftoken={csrf_cookie}"
            if response.status != 200:
                raise RuntimeError(f"GET {response.status}")
            inputs = _Inputs()
            inputs.feed(body)
            form = {"csrfmiddlewaretoken": inputs.values.get("csrfmiddlewaretoken", "")}
            for pk, kind in client.kinds.items():
                form[f"r{pk}-version"] = inputs.values.get(f"r{pk}-version", "0")
                form[f"r{pk}-note"] = ""
                if kind == "rate":
                    denominator = rng.randint(10, 300)
                    form[f"r{pk}-numerator"] = str(rng.randint(0, denominator))
                    form[f"r{pk}-denominator"] = str(denominator)
                else:
                    form[f"r{pk}-value"] = str(rng.randint(0, 1) if kind == "boolean" else rng.randint(0, 30))
            began = time.perf_counter()
            connection.request(
                "POST",
                client.path,
                body=urlencode(form),
                headers={
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{port}{client.path}",
                    "Origin": f"http://127.0.0.1:{port}",
                },
            )
            response = connection.getresponse()
            response.read()
            client.latencies.append(time.perf_counter() - began)
            if response.status == 302:
                client.saves += 1
            else:
                raise RuntimeError(f"POST {response.status}")
        except Exception as error:
            client.errors += 1
            if len(client.error_samples) < 3:
                client.error_samples.append(str(error)[:200])
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.close()


def run_load(bench, *, clients: int, seconds: float, workers: int) -> dict:
    """Start gunicorn, run `clients` threads for `seconds`, stop gunicorn; saves per second, latencies, errors."""
    from django.db.models import Q
    from django.test import Client
    from django.urls import reverse

    from campaigns.models import Participant
    from scoring.models import Indicator

    kinds = dict(Indicator.objects.filter(criteria__plan=bench.plan).values_list("pk", "kind"))
    plans: list[_Client] = []
    staff = bench.staff[:clients]
    participants: list[Participant] = []
    used: set[int] = set()
    for user in staff:
        # The commune's own collective when it takes part (province, national), else the next participant of its
        # subtree nobody works on yet (small: the sections and officials of the one commune).
        unit = user.memberships.get().unit
        mine = Participant.objects.filter(plan=bench.plan).exclude(pk__in=used).order_by("pk")
        participant = (
            mine.filter(kind="collective", unit=unit).first()
            or mine.filter(Q(unit__path__startswith=unit.path) | Q(person__unit__path__startswith=unit.path)).first()
        )
        assert participant is not None, f"no participant left for {user}"  # the bench plan has one per staff member
        used.add(participant.pk)
        participants.append(participant)
    for user, participant in zip(staff, participants, strict=True):
        browser = Client()
        browser.force_login(user)
        path = reverse("scoring:reading_entry", args=[bench.period.pk, participant.pk, bench.current_window])
        plans.append(_Client(session=browser.cookies["sessionid"].value, path=path, kinds=kinds))

    port = _free_port()
    env = dict(os.environ)
    errors_log = ROOT / "var" / "bench" / f"gunicorn-{bench.plan.key}.log"
    errors_log.parent.mkdir(parents=True, exist_ok=True)
    server_log = errors_log.open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log,
    )
    try:
        _wait_for(port)
        deadline = time.monotonic() + seconds
        began = time.perf_counter()
        threads = [
            threading.Thread(target=_work, args=(client, port, deadline, index)) for index, client in enumerate(plans)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
    latencies = sorted(value for client in plans for value in client.latencies)
    saves = sum(client.saves for client in plans)
    errors = sum(client.errors for client in plans)
    return {
        "clients": clients,
        "workers": workers,
        "seconds": round(elapsed, 2),
        "saves": saves,
        "errors": errors,
        "saves_per_second": round(saves / elapsed, 2) if elapsed else 0.0,
        "readings_per_second": round(saves * len(kinds) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1) if latencies else None,
        "error_samples": [sample for client in plans for sample in client.error_samples][:5],
        "server_log": str(errors_log.relative_to(ROOT)),
    }
