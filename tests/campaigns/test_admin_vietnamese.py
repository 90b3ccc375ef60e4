"""The admin stays for superusers, in Vietnamese: Django's newer admin strings and the third-party apps' model and
field labels too, or hidden where the app covers the task (issue 20, point 6; locale/vi/LC_MESSAGES/django.po and
config/admin.py).

Two guards keep it so: every page of the admin (index, each model's list, add and change pages) is read for English
labels, and every label of every registered model is compared with its Vietnamese translation, so a new field, a new
model or an upgraded app that brings English fails here with its name."""

from __future__ import annotations

import ast
import gettext
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from awards.reference import sync_reference
from config.admin import RELABELLED
from tests.factories import UserFactory
from tests.security.world import build_side

pytestmark = pytest.mark.django_db

# English seen on the admin's pages before this catalogue, and labels the apps write as plain strings.
ENGLISH = (
    "Model name",
    "Add link",
    "Solar events",
    "Solar Events",
    "Periodic tasks",
    "Periodic Tasks",
    "Task results",
    "Task Name",
    "Task name",
    "Access attempts",
    "Access logs",
    "Keyword Arguments",
    "Positional Arguments",
    "Last Run Datetime",
    "Start Datetime",
    "One-off Task",
    "Scheduler",
    "Human readable",
    "Cron Timezone",
    "Minute(s)",
    "User Agent",
    "IP Address",
    "Attempt Time",
    "Logout Time",
    "Failed Logins",
    "Meta Data",
    "Show counts",
    "Reset password",
    "First child of",
    "Relative to",
    "numerator total",
    "uploaded by",
    "quota rule",
    "recorded by",
)
# Shown as they are in Vietnamese too.
SAME_IN_VIETNAMESE = {"id", "sang", "=", "email"}
# treebeard's bookkeeping columns: never on a page (the unit form is treebeard's move form, the list is the tree).
NEVER_SHOWN = {("campaigns.unit", "path"), ("campaigns.unit", "depth"), ("campaigns.unit", "numchild")}
# Labels: a row's own <th class="field-…"> is data (a name, a username), not a label.
LABEL_TAGS = re.compile(
    r"<(label|th(?![^>]*class=\"field-)|h1|h2|h3|legend|button|caption|summary)\b[^>]*>(.*?)</\1>", re.S
)
ENGLISH_WORDS = re.compile(r"[A-Za-z][A-Za-z ()'/:,.-]*")


def registered() -> dict:
    """The admin's models once config/admin.py (imported above, as config/urls.py does) hid and relabelled some."""
    return dict(admin.site._registry)


def english_labels(page: str) -> list[str]:
    """Labels (field labels, column headers, headings, buttons) written only in plain ASCII letters."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    found = []
    for _tag, inner in LABEL_TAGS.findall(page):
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split()).rstrip(":")
        if text and ENGLISH_WORDS.fullmatch(text) and text.lower() not in SAME_IN_VIETNAMESE and len(text) > 2:
            found.append(text)
    return found


@pytest.fixture
def superuser_client(client, org):
    sync_reference()
    build_side(commune=org.commune_a, marker="QXAVUNGMOT", staff=org.staff_a, chairman=org.chairman_a, notice_users=[])
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_index_reads_in_vietnamese(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    for english in ENGLISH:
        assert english not in page
    for vietnamese in ("Tên mục", "Tác vụ định kỳ", "Lần thử đăng nhập", "Đăng nhập (django-axes)"):
        assert vietnamese in page


def test_what_the_app_covers_is_hidden_from_the_admin(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    for name in ("taskresult", "groupresult", "intervalschedule", "solarschedule", "clockedschedule"):
        assert f"/{name}/" not in page
    with pytest.raises(NoReverseMatch):
        reverse("admin:django_celery_results_taskresult_changelist")


def test_every_page_of_the_admin_reads_in_vietnamese(superuser_client):
    pages = [reverse("admin:index")]
    for model in registered():
        meta = model._meta
        pages += [
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
            reverse(f"admin:{meta.app_label}_{meta.model_name}_add"),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
    problems = []
    for url in pages:
        response = superuser_client.get(url)
        if response.status_code == 403:  # add refused by the app (jobs, logs, history): nothing to read
            continue
        assert response.status_code == 200, url
        page = response.content.decode()
        problems += [f"{url}: {english}" for english in ENGLISH if english in page]
        problems += [f"{url}: {label}" for label in english_labels(page)]
    assert not problems, "English in the admin:\n" + "\n".join(sorted(set(problems)))


def test_every_label_of_the_admin_models_has_a_vietnamese_translation():
    untranslated = []
    for model in registered():
        meta = model._meta
        where = f"{meta.app_label}.{meta.model_name}"
        labels = [("model", meta.verbose_name), ("model", meta.verbose_name_plural)]
        for field in meta.get_fields():
            if (field.auto_created and not field.concrete) or (where, field.name) in NEVER_SHOWN | RELABELLED.keys():
                continue
            labels.append((field.name, field.verbose_name))
            if field.name != "timezone":  # IANA zone names ("Asia/Ho_Chi_Minh") are names, not English
                labels += [(f"{field.name} (lựa chọn)", label) for _value, label in field.flatchoices]
        for name, label in labels:
            with translation.override("vi"):
                vietnamese = str(label)
            with translation.override("en"):
                english = str(label)
            if vietnamese == english and vietnamese.isascii() and vietnamese.lower() not in SAME_IN_VIETNAMESE:
                untranslated.append(f"{where}.{name}: {vietnamese!r}")
    assert not untranslated, (
        "Labels without Vietnamese (add them to locale/vi/LC_MESSAGES/django.po, or verbose_name on our models):\n"
        + "\n".join(untranslated)
    )


def _po_entries(path: Path) -> dict[str, str]:
    entries: dict[str, str] = {}
    key: str | None = None
    current: list[str] = []
    msgid = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("msgid "):
            key, current = "msgid", [ast.literal_eval(line[6:])]
        elif line.startswith("msgstr "):
            msgid, key, current = "".join(current), "msgstr", [ast.literal_eval(line[7:])]
        elif line.startswith('"') and key:
            current.append(ast.literal_eval(line))
        elif key == "msgstr":
            entries[msgid] = "".join(current)
            key = None
    entries.pop("", None)
    return entries


def test_the_committed_catalogue_is_compiled_from_its_source():
    folder = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    source = _po_entries(folder / "django.po")
    stale = [msgid for msgid, msgstr in source.items() if compiled.gettext(msgid) != msgstr]
    assert not stale, f"django.mo is older than django.po (run compilemessages -l vi --ignore=.venv): {stale[:5]}"
