"""Anonymous denial of service: nginx in front of gthread gunicorn refuses oversized bodies (413) and buffers slow
clients; Django refuses an oversized Content-Length itself, before reading the body; only the proxy publishes a port.

The nginx tests run Debian's nginx (SYSTEM_PACKAGES in the Makefile) on the repository's own config template."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from http import HTTPStatus
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx" / "thidua.conf.template"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make test installs it as root)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render(values: dict[str, str]) -> str:
    """What envsubst does with the template: only the ${THIDUA_…} names are replaced."""
    text = TEMPLATE.read_text()
    names = set(re.findall(r"\$\{(THIDUA_\w+)\}", text))
    assert names == set(values), names
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    return text


def _nginx_conf(tmp_path: Path, *, upstream: str, static_root: Path, port: int) -> Path:
    """A whole nginx.conf around the rendered template, with every path inside tmp_path."""
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir(exist_ok=True)
    site = tmp_path / "thidua.conf"
    site.write_text(
        render(
            {
                "THIDUA_UPSTREAM": upstream,
                "THIDUA_STATIC_ROOT": str(static_root),
                "THIDUA_LISTEN": f"127.0.0.1:{port}",
                "THIDUA_SERVER_NAME": "localhost",
            }
        )
    )
    conf = tmp_path / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(
        f"""{user}
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {site};
}}
"""
    )
    return conf


@needs_nginx
def test_the_proxy_config_passes_nginx_t(tmp_path):
    conf = _nginx_conf(tmp_path, upstream="127.0.0.1:8000", static_root=tmp_path, port=_free_port())
    result = subprocess.run(
        [NGINX, "-t", "-e", "stderr", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.fixture
def proxy(tmp_path, live_server):
    """nginx on a loopback port in front of the test server; static files from a folder of the test's own."""
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "thu.css").write_text("body{}")
    port = _free_port()
    conf = _nginx_conf(tmp_path, upstream=live_server.url.removeprefix("http://"), static_root=static, port=port)
    process = subprocess.Popen(
        [NGINX, "-e", "stderr", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(process.stderr.read().decode())
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@needs_nginx
@pytest.mark.django_db(transaction=True)
def test_the_proxy_passes_pages_serves_static_and_refuses_an_oversized_body_with_413(proxy):
    status, _headers, body = _request(proxy, "GET", "/dang-nhap/")
    assert status == HTTPStatus.OK and "Đăng nhập".encode() in body

    status, _headers, body = _request(proxy, "GET", "/static/css/thu.css")
    assert status == HTTPStatus.OK and body == b"body{}"  # served by nginx from the folder, not by Django

    oversized = b"username=a&password=" + b"x" * (12 * 1024 * 1024)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _headers, _body = _request(proxy, "POST", "/dang-nhap/", oversized, headers)
    assert status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE  # from nginx: the body never reached gunicorn


# --- Django itself -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_django_refuses_an_oversized_body_on_a_page_that_takes_no_file_from_its_length_alone():
    client = Client()
    # The length is a claim: the body sent is tiny, and is never read.
    form = "application/x-www-form-urlencoded"
    response = client.post(reverse("login"), data=b"username=a", content_type=form, CONTENT_LENGTH="300000000")
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    text = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in text and "286,1 MB" in text
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still answers for it


@pytest.mark.django_db
def test_a_form_without_a_file_takes_at_most_the_data_limit(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    client = Client()
    response = client.post(
        reverse("login"), data=b"username=a", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH="3000000"
    )
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.django_db
def test_an_upload_view_takes_the_largest_upload_and_no_more(client, org):
    from scoring.models import Reading  # noqa: F401  (the reading id below need not exist: the limit comes first)

    client.force_login(org.staff_a)
    url = reverse("scoring:evidence_upload", args=[999_999])
    fits = client.post(url, data=b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH="10485760")
    assert fits.status_code == HTTPStatus.NOT_FOUND  # reached the view: the reading does not exist
    too_big = client.post(url, data=b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH="20000000")
    assert too_big.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


# --- The stack as deployed -----------------------------------------------------------------------------------------


def test_only_the_proxy_publishes_a_port_and_web_runs_gthread_gunicorn_that_scales_to_two_replicas():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    web = services["web"]
    assert "gunicorn -c config/gunicorn.py" in web["command"]
    assert web["deploy"]["replicas"] == 2
    assert "migrate" not in web["command"]  # one migration job, not one per replica
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_gunicorn_uses_threads_and_sane_timeouts():
    namespace: dict = {}
    exec((ROOT / "config" / "gunicorn.py").read_text(), namespace)
    assert namespace["worker_class"] == "gthread" and namespace["threads"] >= 2
    assert 30 <= namespace["timeout"] <= 120 and namespace["graceful_timeout"] <= namespace["timeout"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "config/gunicorn.py" in dockerfile


def test_the_readme_deploy_section_runs_the_same_proxy_config():
    readme = (ROOT / "README.md").read_text()
    assert "deploy/nginx/thidua.conf.template" in readme and "envsubst" in readme
    assert "gunicorn -c config/gunicorn.py" in readme
