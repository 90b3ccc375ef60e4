"""Every URL × every role × inside / outside the user's scope × GET / POST answers as the rules say.

The cases are generated from the URL configuration: a URL missing from ``MATRIX`` fails the suite
(``test_every_url_is_in_the_matrix``), so a new page cannot ship without its row.

The rules (ARCHITECTURE.md, campaigns/permissions.py): anonymous → 302 to the login page; out of scope → 404 (the id
does not leak); in scope, wrong role → 403; nội vụ is read-only (every POST 403, except its own appraisal);
a POST-only action answers GET with 405. An allowed write answers 302 (done, back to the page) or 400 (the empty or
incomplete form re-rendered with its errors); an allowed read answers 200. On top of the status, every page or
Excel file a user receives must not contain a marker of a commune outside the user's scope.

Roles are played by the `org` fixture's users of commune A: nhập liệu = staff_a, lãnh đạo = chairman_a,
quản trị = admin_a; nội vụ = the district's Phòng Nội vụ (noi_vu_huyen), whose scope covers A and B, so its
"outside" objects are in commune C of another district. For everyone else "outside" is commune B.
A known bug is one ``pytest.param(..., marks=xfail(strict=True))`` in ``BUGS``: the suite stays green, the bug
stays visible, and fixing it turns the case into an XPASS failure that asks for the line to go.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from campaigns.models import Membership
from tests.security.world import PDF_BYTES

ROLES = ("anonymous", "nhap_lieu", "lanh_dao", "noi_vu", "quan_tri")
STAFF_ROLES = ROLES[1:]
SCOPES = ("in", "out")
METHODS = ("GET", "POST")
LOGIN = "login"  # 302 to the login page
SKIPPED_NAMESPACES = {"admin"}  # Django's admin: its own permission system, tested in test_admin_guards.py


@dataclass(frozen=True)
class Row:
    """Expected answers of one URL. ``get``/``post``: in-scope status for (nhập liệu, lãnh đạo, nội vụ, quản trị).
    ``obj``: what the URL's ``pk`` names. Out of scope: 404, or 405 where in scope is 405 (the method is refused
    before the object is looked up), or the in-scope answer for pages without an object (lists: leak check only).
    ``anonymous``: LOGIN unless the page is public."""

    obj: str | None
    get: tuple[int, int, int, int]
    post: tuple[int, int, int, int]
    anonymous: tuple[int | str, int | str] = (LOGIN, LOGIN)
    out_get: tuple[int, int, int, int] | None = None
    out_post: tuple[int, int, int, int] | None = None

    def expected(self, role: str, scope: str, method: str) -> int | str:
        if role == "anonymous":
            return self.anonymous[METHODS.index(method)]
        index = STAFF_ROLES.index(role)
        inside = (self.get if method == "GET" else self.post)[index]
        if scope == "in":
            return inside
        override = self.out_get if method == "GET" else self.out_post
        if override is not None:
            return override[index]
        if self.obj is None or inside == 405:
            return inside
        return 404


def row(obj, get, post, **kwargs) -> Row:
    """`get`/`post` as a 4-tuple (nhập liệu, lãnh đạo, nội vụ, quản trị) or one status for all four."""

    def spread(value):
        return value if isinstance(value, tuple) else (value,) * 4

    for key in ("out_get", "out_post"):
        if key in kwargs and kwargs[key] is not None:
            kwargs[key] = spread(kwargs[key])
    return Row(obj, spread(get), spread(post), **kwargs)


READ = 200
WRITE_NL = (302, 403, 403, 302)  # office work: nhập liệu and quản trị
WRITE_LD = (403, 302, 403, 403)  # the chairman's decisions
WRITE_LD_QT = (403, 302, 403, 302)  # the issuer's leaders and administrator
FORM_LD_QT = (403, 200, 403, 200)  # a form page of the issuer's leaders and administrator
INVALID_LD_QT = (403, 400, 403, 400)  # … posted empty: the form comes back with its errors
FORM_LD = (403, 200, 403, 403)
FORM_QT = (403, 403, 403, 200)  # a page of the administrator (quản trị) only
INVALID_QT = (403, 403, 403, 400)  # … posted empty
API_ANONYMOUS = (401, 401)  # the API asks for a key (WWW-Authenticate: Bearer)
REPORT = (403, 200, 200, 200)  # a page for those who lead and oversee: everyone in scope but nhập liệu

#   columns of each tuple: (nhập liệu, lãnh đạo, nội vụ, quản trị); obj: what the URL addresses (None: no object)
MATRIX: dict[str, Row] = {
    # --- accounts (Django's views) -----------------------------------------------------------------------------
    "home": row(None, READ, 200),  # read-only function view: a POST renders the page, changes nothing
    "login": row(None, 302, 302, anonymous=(200, 200)),  # a logged-in user is sent on; anonymous sees the form
    "logout": row(None, 405, 302, anonymous=(405, 302)),  # logout is POST-only since Django 5
    "password_change": row(None, READ, 200),  # Django re-renders an invalid form with 200
    "password_change_done": row(None, READ, 405),
    # "Quên mật khẩu" (Django's reset views): open to everyone; an invalid link or an empty form re-renders with 200
    "password_reset": row(None, READ, 200, anonymous=(200, 200)),
    "password_reset_done": row(None, READ, 405, anonymous=(200, 405)),
    "password_reset_confirm": row(None, READ, 200, anonymous=(200, 200)),
    "password_reset_complete": row(None, READ, 405, anonymous=(200, 405)),
    # The province's identity service: not configured here, so not there for anyone (tests/campaigns/test_org_oidc.py)
    "oidc_start": row(None, 404, 404, anonymous=(404, 404)),
    "oidc_callback": row(None, 404, 404, anonymous=(404, 404)),
    # --- campaigns: org and plans --------------------------------------------------------------------------------
    "campaigns:unit_list": row(None, READ, 405),
    "campaigns:plan_list": row(None, READ, 405),
    "planning:plan_create": row(None, FORM_LD_QT, INVALID_LD_QT),
    "campaigns:plan_detail": row("plan", READ, 405),
    "planning:plan_edit": row("plan", FORM_LD_QT, INVALID_LD_QT),
    "campaigns:plan_print": row("plan", READ, 405),
    "campaigns:plan_status": row("plan", FORM_LD_QT, WRITE_LD_QT),
    "planning:participants_bulk_add": row("plan", FORM_LD_QT, INVALID_LD_QT),
    "campaigns:task_progress": row("task", READ, (302, 302, 403, 302)),
    # --- campaigns: officials, accounts, roles and their log (quản trị of the unit or above only) ----------------
    "campaigns:person_list": row(None, FORM_QT, 405),
    "campaigns:person_create": row(None, FORM_QT, INVALID_QT),
    "campaigns:person_detail": row("person", FORM_QT, 405),
    "campaigns:person_edit": row("person", FORM_QT, INVALID_QT),
    "campaigns:person_move": row("person", FORM_QT, INVALID_QT),
    "campaigns:person_leave": row("person", FORM_QT, INVALID_QT),
    "campaigns:account_create": row("person", FORM_QT, INVALID_QT),
    "campaigns:account_list": row(None, FORM_QT, 405),
    "campaigns:account_detail": row("account", FORM_QT, 405),
    "campaigns:role_grant": row("account", 405, INVALID_QT),
    "campaigns:role_revoke": row("membership", FORM_QT, INVALID_QT),
    "campaigns:account_deactivate": row("account", FORM_QT, INVALID_QT),
    "campaigns:account_activate": row("account", 405, (403, 403, 403, 302)),  # already active: said so, back
    "campaigns:account_reset_password": row("account", FORM_QT, FORM_QT),  # the one-time password page: 200
    "campaigns:org_event_list": row(None, FORM_QT, 405),
    "campaigns:org_import": row(None, FORM_QT, INVALID_QT),
    "campaigns:org_import_commit": row(None, 405, (403, 403, 403, 302)),  # no preview token: back to the upload
    "campaigns:org_template": row(None, FORM_QT, 405),
    "campaigns:org_export": row(None, FORM_QT, 405),
    "campaigns:unit_merge": row(None, FORM_QT, INVALID_QT),
    # --- scoring: standings and exports (read-only for every role in scope) -------------------------------------
    "scoring:standing_index": row(None, READ, 405),
    "scoring:standing_list": row("period", READ, 405),
    "scoring:standing_detail": row("period", READ, 200),
    "scoring:standing_charts": row("period", READ, 200),
    "scoring:standing_export": row("period", READ, 200),
    "scoring:reading_export": row("period", READ, 200),
    # --- scoring: data entry -----------------------------------------------------------------------------------
    "scoring:entry_period_list": row(None, READ, 405),
    "scoring:entry_dashboard": row("period", READ, 405),
    "scoring:reading_entry": row("cell", READ, WRITE_NL),
    "scoring:reading_submit": row("cell", 405, WRITE_NL),
    "scoring:reading_return": row("cell", 405, WRITE_LD),
    "scoring:lock_exception_grant": row("cell", 405, WRITE_LD),
    "scoring:reading_history": row("cell", READ, 200),
    "scoring:excel_upload": row("period", READ, (400, 403, 403, 400)),
    "scoring:excel_template": row("period", READ, 200),
    "scoring:excel_commit": row("period", 405, WRITE_NL),
    # "Gửi tất cả": the confirmation lists the windows, the POST sends them; for those who enter readings
    "scoring:submit_all": row("period", (200, 403, 403, 200), (302, 403, 403, 302)),
    # readings from another system's report: for those who enter readings; the empty upload comes back with its errors
    "scoring:report_upload": row("period", (200, 403, 403, 200), (400, 403, 403, 400)),
    "scoring:report_map": row("period", (302, 403, 403, 302), (302, 403, 403, 302)),  # no kept file: back to upload
    "scoring:report_profile_download": row("report_profile", (200, 403, 403, 200), (200, 403, 403, 200)),
    "scoring:report_profile_upload": row("period", (200, 403, 403, 200), (400, 403, 403, 400)),
    "scoring:report_sample": row("period", (200, 403, 403, 200), (200, 403, 403, 200)),
    "scoring:evidence_download": row("reading", READ, 405),  # Nội vụ may read evidence
    "scoring:evidence_upload": row("reading", 405, WRITE_NL),
    "scoring:evidence_remove": row("reading", 405, WRITE_NL),
    # --- awards: nominations -----------------------------------------------------------------------------------
    "awards:nomination_index": row(None, READ, 405),
    "awards:nomination_list": row("period", READ, 405),
    "awards:nomination_propose": row("period", 405, (302, 302, 403, 302)),
    "awards:nomination_add": row("period", FORM_LD, (403, 400, 403, 403)),
    "awards:nomination_export": row("period", READ, 200),
    "awards:council_meeting": row("period", READ, (400, 400, 403, 400)),
    "awards:nomination_detail": row("nomination", READ, 200),
    "awards:nomination_check": row("nomination", 405, WRITE_NL),
    "awards:nomination_upload": row("nomination", 405, WRITE_NL),
    "awards:nomination_prepare": row("nomination", 405, WRITE_NL),
    "awards:nomination_submit": row("nomination", 405, (302, 302, 403, 302)),
    # Nội vụ's one write: its appraisal (thẩm định); this nomination is not submitted yet, so the form says why (400)
    "awards:nomination_appraise": row("nomination", (403, 403, 200, 403), (403, 403, 400, 403)),
    # accepting needs the council's vote first: the chairman is let in and told so (400), everyone else is refused
    "awards:nomination_accept": row("nomination", FORM_LD, (403, 400, 403, 403)),
    "awards:nomination_reject": row("nomination", FORM_LD, WRITE_LD),
    "awards:dossier_file_download": row("dossier_file", READ, 200),
    "awards:dossier_file_remove": row("dossier_file", 405, WRITE_NL),
    "awards:home_affairs": row(None, (403, 403, 200, 403), (403, 403, 200, 403)),
    "awards:home_affairs_export": row(None, (403, 403, 200, 403), (403, 403, 200, 403)),
    # --- awards: decisions -------------------------------------------------------------------------------------
    "awards:decision_list": row(None, READ, 405),
    "awards:decision_detail": row("decision", READ, 200),
    "awards:decision_create": row("period", FORM_LD_QT, INVALID_LD_QT),
    "awards:decision_edit": row("decision", FORM_LD_QT, INVALID_LD_QT),
    "awards:decision_regenerate": row("decision", 405, WRITE_LD_QT),
    "awards:decision_discard": row("decision", FORM_LD_QT, INVALID_LD_QT),
    "awards:decision_sign": row("decision", FORM_LD, WRITE_LD),
    "awards:decision_annul": row("decision", FORM_LD, (403, 400, 403, 403)),  # a draft cannot be annulled: 400
    "awards:decision_pdf": row("decision", READ, 200),
    "awards:decision_certificates": row("decision", READ, 200),
    "awards:decision_docx": row("decision", READ, 200),
    "awards:decision_xlsx": row("decision", READ, 200),
    # --- awards: the digital signature (ký số) of a decision; the world's decision is a draft -------------------
    "awards:decision_digital_sign": row("decision", (200, 200, 403, 200), 405),
    "awards:decision_digital_prepare": row("decision", 405, (302, 302, 403, 302)),
    "awards:decision_digital_download": row("decision", (404, 404, 403, 404), 405),
    "awards:decision_digital_upload": row("decision", 405, (400, 400, 403, 400)),
    "awards:decision_digital_reverify": row("decision", 405, (302, 302, 403, 302)),
    # trust anchors are the deployment's (a superuser or quản trị of a top-level unit): no commune user may
    "awards:trust_anchors": row(None, 403, 403),
    "awards:trust_anchor_toggle": row("decision", 405, 403, out_get=405, out_post=403),
    # --- awards: periods, jobs, notices ------------------------------------------------------------------------
    "planning:period_close": row("period", READ, WRITE_LD_QT),
    "planning:period_reopen": row("period", FORM_LD, (403, 400, 403, 403)),  # an open period cannot reopen: 400
    # the period dashboard and report drafts: lãnh đạo, nội vụ and quản trị of the issuer (ReportPolicy), GET only
    "planning:period_dashboard": row("period", REPORT, 405),
    "planning:period_report": row("period", REPORT, 405),
    "planning:period_quick_report": row("period", (403, 400, 400, 400), 405),  # no dates given: the form says so
    "planning:plan_report": row("plan", REPORT, 405),
    "planning:job_list": row(None, READ, 405),
    "planning:job_detail": row("job", READ, 200),
    "planning:job_retry": row("job", 405, (403, 403, 403, 302)),
    "planning:notice_list": row(None, READ, 200),
    "planning:notice_read": row("notice", 405, 302),  # one's own notice; someone else's is out of scope
    "planning:notice_settings": row(None, READ, 302),  # one's own e-mail choice, nội vụ included (not plan data)
    # --- awards: plan files ------------------------------------------------------------------------------------
    "planning:plan_upload": row(None, FORM_LD_QT, INVALID_LD_QT),
    "planning:plan_download": row("plan", READ, 405),
    "planning:plan_copy": row("plan", FORM_LD_QT, INVALID_LD_QT),
    "planning:plan_rules_criteria": row("plan", FORM_LD_QT, INVALID_LD_QT),
    "planning:plan_rules_awards": row("plan", FORM_LD_QT, INVALID_LD_QT),
    "planning:plan_rules_award_kind_create": row("plan", FORM_LD_QT, INVALID_LD_QT),
    # --- api: the browser's login reads like the pages; anonymous gets 401 (Bearer), never the login page ---------
    "api:api-root": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:plan-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:plan-detail": row("plan", READ, 405, anonymous=API_ANONYMOUS),
    "api:period-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:period-detail": row("period", READ, 405, anonymous=API_ANONYMOUS),
    "api:period-standings": row("period", READ, 405, anonymous=API_ANONYMOUS),
    # the batch: nhập liệu and quản trị are let in and told the body is missing (400); the others may not enter
    "api:period-readings-batch": row("period", 405, (400, 403, 403, 400), anonymous=API_ANONYMOUS),
    "api:group-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:group-detail": row("group", READ, 405, anonymous=API_ANONYMOUS),
    "api:participant-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:participant-detail": row("participant", READ, 405, anonymous=API_ANONYMOUS),
    "api:criterion-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:criterion-detail": row("criterion", READ, 405, anonymous=API_ANONYMOUS),
    "api:reading-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:reading-detail": row("reading", READ, 405, anonymous=API_ANONYMOUS),
    "api:nomination-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:nomination-detail": row("nomination", READ, 405, anonymous=API_ANONYMOUS),
    "api:decision-list": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:decision-detail": row("decision", READ, 405, anonymous=API_ANONYMOUS),
    "api:decision-file": row("decision", 404, 405, anonymous=API_ANONYMOUS),  # a draft has no signed file yet
    "api:whoami": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:schema": row(None, READ, 405, anonymous=API_ANONYMOUS),
    "api:docs": row(None, READ, 405, anonymous=API_ANONYMOUS),
    # --- api: the quản trị's key pages ---------------------------------------------------------------------------
    "api:token_list": row(None, FORM_QT, 405),
    "api:token_new": row(None, FORM_QT, INVALID_QT),
    "api:token_revoke": row("api_token", FORM_QT, (403, 403, 403, 302)),
}


def _walk(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in SKIPPED_NAMESPACES:
                continue
            name = f"{namespace}:{inner}".strip(":") if inner else namespace
            yield from _walk(pattern, name, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def url_names() -> dict[str, URLPattern]:
    """Every named URL of the project outside the admin, with its pattern."""
    return dict(_walk(get_resolver()))


# --- resolving a URL's kwargs to one side's objects ----------------------------------------------------------------


def _pk(obj: str, side, user) -> int:
    if obj == "person":
        return side.person_participant.person_id
    if obj == "account":  # the side's nhập liệu
        return side.reading.entered_by_id
    if obj == "membership":
        return Membership.objects.get(user_id=side.reading.entered_by_id, unit=side.commune).pk
    if obj == "notice":
        return (side.notices.get(user.pk) or next(iter(side.notices.values()))).pk
    return getattr(side, obj).pk


def kwargs_for(name: str, pattern: URLPattern, side, user) -> dict:
    obj = MATRIX[name].obj
    values = {
        "period_pk": side.period.pk,
        "participant_pk": side.participant.pk,
        "window": side.window.start,
        "layout": "bao-cao-he-thong-mot-cua",
        "indicator_pk": side.indicator.pk,
        "to": "closed",
        "uidb64": "MQ",
        "token": "lien-ket-khong-hop-le",
    }
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            kwargs[key] = _pk(obj, side, user)
        else:
            kwargs[key] = values[key]
    return kwargs


def hidden_markers(role: str, world) -> list[str]:
    """Markers of communes the role may not see: B and C for commune A's users, C for the district's Nội vụ."""
    if role == "noi_vu":
        return [world.c.marker]
    return [world.b.marker, world.c.marker]


def body_text(response) -> str:
    """The text a user receives: the page, or every XML part of an Excel/Word file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist() if name.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


# --- the cases -----------------------------------------------------------------------------------------------------

BUGS: dict[tuple[str, str, str, str], str] = {
    # (url name, role, scope, method): "bug: …"
}


def _cases():
    for name in sorted(url_names()):
        for role in ROLES:
            for scope in SCOPES:
                for method in METHODS:
                    case = (name, role, scope, method)
                    marks = [pytest.mark.xfail(strict=True, reason=BUGS[case])] if case in BUGS else []
                    yield pytest.param(*case, id="-".join(case), marks=marks)


def test_every_url_is_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"URLs without a row in MATRIX (add their expected answers): {missing}"


def test_every_known_bug_names_an_existing_case():
    for name, role, scope, method in BUGS:
        assert name in MATRIX and role in ROLES and scope in SCOPES and method in METHODS


@pytest.mark.parametrize(("name", "role", "scope", "method"), list(_cases()))
def test_permission_matrix(client, world_db, name, role, scope, method):
    if name not in MATRIX:
        pytest.fail(f"{name} is not in MATRIX")
    world = world_db
    user = world.users.get(role)
    side = world.a if scope == "in" else (world.c if role == "noi_vu" else world.b)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs_for(name, url_names()[name], side, user or world.org.staff_a))
    response = client.get(url) if method == "GET" else client.post(url, PAYLOADS.get(name, no_payload)(side))
    expected = MATRIX[name].expected(role, scope, method)

    if expected == LOGIN:
        assert response.status_code == 302, f"{method} {url} as {role}: {response.status_code}, expected login"
        assert response["Location"].startswith(
            reverse(settings.LOGIN_URL)
            if ":" in settings.LOGIN_URL or not settings.LOGIN_URL.startswith("/")
            else settings.LOGIN_URL
        )
        return
    assert response.status_code == expected, (
        f"{method} {url} as {role} ({scope} scope): got {response.status_code}, expected {expected}"
    )
    if response.status_code == 200:
        text = body_text(response)
        for marker in hidden_markers(role, world):
            assert marker not in text, f"{method} {url} as {role} shows data of another commune ({marker})"


def no_payload(side) -> dict:
    return {}


def _version(nomination) -> int:
    nomination.refresh_from_db()
    return nomination.version


# Valid data for the writes, so an allowed role really performs the action and a refused one is refused for its
# role, not for an empty form.
PAYLOADS: dict[str, callable] = {
    "campaigns:task_progress": lambda side: {"status": "in_progress", "progress_percent": 40, "progress": "Đã làm"},
    "scoring:reading_entry": lambda side: {
        f"r{side.indicator.pk}-numerator": 46,
        f"r{side.indicator.pk}-denominator": 50,
        f"r{side.indicator.pk}-version": side.reading.version,
        f"r{side.indicator.pk}-note": "",
    },
    "scoring:reading_return": lambda side: {"reason": "Số liệu cần sửa"},
    "scoring:evidence_upload": lambda side: {
        "file": SimpleUploadedFile("minh-chung.pdf", PDF_BYTES, content_type="application/pdf")
    },
    "scoring:evidence_remove": lambda side: {"confirm": "on"},
    "scoring:lock_exception_grant": lambda side: {
        "reason": "Mất điện",
        "expires_at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    },
    "awards:nomination_check": lambda side: {
        "condition": side.condition.pk,
        "confirmed": "1",
        "note": "",
        "version": _version(side.nomination),
    },
    "awards:nomination_upload": lambda side: {
        "requirement": side.requirement.pk,
        "version": _version(side.nomination),
        "file": SimpleUploadedFile("bao-cao.pdf", PDF_BYTES, content_type="application/pdf"),
    },
    "awards:nomination_prepare": lambda side: {"version": _version(side.nomination)},
    "awards:nomination_submit": lambda side: {"version": _version(side.nomination)},
    "awards:nomination_appraise": lambda side: {"agree": "1", "comment": "", "version": _version(side.nomination)},
    "awards:nomination_accept": lambda side: {"reason": "", "confirm": "on", "version": _version(side.nomination)},
    "awards:nomination_reject": lambda side: {
        "reason": "Chưa đủ hồ sơ",
        "confirm": "on",
        "version": _version(side.nomination),
    },
    "awards:decision_sign": lambda side: {"password": "mat-khau-thu-nghiem", "confirm": "on"},
    "awards:decision_annul": lambda side: {
        "reason": "Sai tên người được khen",
        "password": "mat-khau-thu-nghiem",
        "confirm": "on",
    },
    "planning:period_reopen": lambda side: {"reason": "Bổ sung số liệu"},
}
