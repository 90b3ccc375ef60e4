"""The plan rules editor: criteria, quota rules, conditions and dossier documents typed in the browser.

A plan made entirely in the browser is activated, exported to YAML, imported into a fresh database state and
exported again to the same text; bad rows re-render with 400 and change nothing; only lãnh đạo and quản trị of the
issuing unit edit; rows in use are not deleted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import AwardKind, Condition, DossierRequirement, Nomination, QuotaRule
from campaigns.models import Plan
from core.codes import code_from_name
from planning.forms import format_bands, parse_bands
from planning.plan_io import export_plan, import_plan
from scoring.models import Criterion, Indicator, Reading, RecomputeRequest
from tests.factories import PersonFactory, collective, individual

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------------------------
# Helpers: POST data as the browser sends it


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update(
            {f"{prefix}-{index}-{key}": value for key, value in row.items() if value is not None and value is not False}
        )
    return data


def _create_plan_in_browser(client, org) -> Plan:
    data = {
        "key": "an-binh-so-hoa-2025",
        "issuer": str(org.commune_a.pk),
        "number": "15",
        "symbol": "KH-UBND",
        "title": "Thi đua số hóa hồ sơ năm 2025",
        "kind": "chuyen_de",
        "start": "2025-01-01",
        "end": "2025-11-30",
        "frequency": "monthly",
        "grace_days": "5",
        "total_points": "100",
        "vote_threshold": "70",
        "legal_bases": "Luật Thi đua, khen thưởng ngày 15/6/2022",
        "purpose": "Đẩy mạnh số hóa.",
        "requirements": "",
        "signer_name": "Nguyễn Văn Chủ",
        "signer_title": "CHỦ TỊCH",
        "recipients": "Lưu: VT",
        "source_note": "",
        "place": "An Bình",
        "issued_on": "2025-01-10",
    }
    data.update(
        _formset(
            "periods",
            [
                {"order": "1", "name": "Đợt 1", "start": "2025-01-01", "end": "2025-06-30", "review_kind": "so_ket"},
                {"order": "2", "name": "Đợt 2", "start": "2025-07-01", "end": "2025-11-30", "review_kind": "tong_ket"},
            ],
        )
    )
    data.update(_formset("groups", [{"order": "1", "code": "xa", "name": "Khối xã"}]))
    data.update(_formset("tasks", []))
    response = client.post(reverse("planning:plan_create"), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    return Plan.objects.get(key="an-binh-so-hoa-2025")


def _indicator(code: str) -> str:
    return str(Indicator.objects.get(code=code).pk)


def _criterion_row(criterion: Criterion, **changes) -> dict:
    row = {
        "id": str(criterion.pk),
        "order": str(criterion.order),
        "name": criterion.name,
        "code": criterion.code,
        "indicator": str(criterion.indicator_id),
        "applies_to": criterion.applies_to,
        "comparison": criterion.comparison,
        "target": str(criterion.target),
        "worst": "" if criterion.worst is None else str(criterion.worst),
        "max_points": str(criterion.max_points),
        "rule": criterion.rule,
        "bands_text": format_bands(criterion.bands),
        "zero_denominator": criterion.zero_denominator,
        "note": criterion.note,
    }
    row.update(changes)
    return row


def _saved_criteria(plan: Plan) -> list[dict]:
    return [_criterion_row(c) for c in plan.criteria.order_by("order", "code")]


NEW_CRITERIA = [
    {
        "order": "1",
        "name": "Số hóa kết quả giải quyết TTHC",
        "code": "",
        "indicator": "766-so-hoa-ket-qua",
        "applies_to": "collective",
        "comparison": "gte",
        "target": "90",
        "max_points": "40",
        "rule": "linear",
        "zero_denominator": "full",
    },
    {
        "order": "2",
        "name": "Hồ sơ quá hạn thấp",
        "code": "",
        "indicator": "766-qua-han",
        "applies_to": "collective",
        "comparison": "lte",
        "target": "0",
        "worst": "5",
        "max_points": "30",
        "rule": "linear",
        "zero_denominator": "not_applicable",
    },
    {
        "order": "3",
        "name": "Đúng hạn theo khung điểm",
        "code": "dung-han",
        "indicator": "766-dung-han",
        "applies_to": "both",
        "comparison": "gte",
        "target": "90",
        "max_points": "20",
        "rule": "bands",
        "bands_text": "75:6; 90:10; 0:0",
        "zero_denominator": "not_applicable",
    },
    {
        "order": "4",
        "name": "Tuyên truyền bằng hình thức khác",
        "code": "",
        "indicator": "tuyen-truyen-hinh-thuc-khac",
        "applies_to": "both",
        "comparison": "gte",
        "target": "",
        "max_points": "10",
        "rule": "threshold",
        "zero_denominator": "not_applicable",
    },
]


def _criteria_post(rows: list[dict], initial: int = 0, **extra) -> dict:
    rows = [{**row, "indicator": _indicator(row["indicator"])} if not row.get("id") else row for row in rows]
    return {**_formset("criteria", rows, initial=initial), **extra}


def _award_post(
    plan: Plan,
    quotas: list[dict],
    conditions: list[dict],
    documents: list[dict],
    initial: tuple[int, int, int] = (0, 0, 0),
    **extra,
) -> dict:
    return {
        **_formset("quotas", quotas, initial[0]),
        **_formset("conditions", conditions, initial[1]),
        **_formset("documents", documents, initial[2]),
        **extra,
    }


@pytest.fixture
def browser_plan(client, org):
    """A draft plan created through the plan editor by the chairman of commune A, with the catalogues loaded."""
    client.force_login(org.chairman_a)
    plan = _create_plan_in_browser(client, org)
    assert client.get(reverse("planning:plan_rules_criteria", args=[plan.pk])).status_code == HTTPStatus.OK
    return plan


def _add_criteria(client, plan: Plan) -> None:
    url = reverse("planning:plan_rules_criteria", args=[plan.pk])
    response = client.post(url, _criteria_post(NEW_CRITERIA))
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()


def _add_award_rules(client, plan: Plan) -> None:
    period_1, group = plan.periods.get(order=1), plan.groups.get()
    kind = AwardKind.objects.get(code="giay-khen-chu-tich-xa")
    data = _award_post(
        plan,
        quotas=[
            {
                "award_kind": str(kind.pk),
                "period": str(period_1.pk),
                "group": str(group.pk),
                "max_collectives": "1",
                "max_individuals": "2",
                "individuals_per_collective": "",
                "min_ratio": "80",
                "note": "Tối đa 01 tập thể, 02 cá nhân",
            },
            {
                "award_kind": str(kind.pk),
                "period": "",
                "group": "",
                "max_collectives": "0",
                "max_individuals": "1",
                "individuals_per_collective": "",
                "min_ratio": "0",
                "note": "",
            },
        ],
        conditions=[
            {
                "order": "1",
                "applies_to": "collective",
                "text": "Hoàn thành tốt nhiệm vụ được giao;\r\ncó sáng kiến được công nhận",
            },
            {"order": "2", "applies_to": "individual", "text": "Không vi phạm kỷ luật"},
        ],
        documents=[
            {
                "order": "1",
                "code": "",
                "name": "Tờ trình đề nghị khen thưởng",
                "applies_to": "both",
                "per_nominee": False,
            },
            {"order": "2", "code": "bao-cao", "name": "Báo cáo thành tích", "applies_to": "both", "per_nominee": "on"},
        ],
    )
    response = client.post(reverse("planning:plan_rules_awards", args=[plan.pk]), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# The whole path: typed in the browser → activated → YAML → imported elsewhere → the same YAML


def test_a_plan_typed_in_the_browser_exports_and_imports_to_the_same_file(client, org, browser_plan):
    plan = browser_plan
    _add_criteria(client, plan)
    _add_award_rules(client, plan)

    criteria = list(plan.criteria.select_related("indicator").order_by("order"))
    assert [c.code for c in criteria] == [
        "so-hoa-ket-qua-giai-quyet-tthc",
        "ho-so-qua-han-thap",
        "dung-han",
        "tuyen-truyen-bang-hinh-thuc-khac",
    ]
    assert criteria[2].bands == [[90, 10], [75, 6], [0, 0]]  # read best band first
    assert criteria[3].target == 1  # a yes/no criterion is met by "yes"
    assert sum(c.max_points for c in criteria) == plan.total_points
    assert plan.quota_rules.count() == 2 and plan.conditions.count() == 2
    assert plan.conditions.get(order=1).text == "Hoàn thành tốt nhiệm vụ được giao;\ncó sáng kiến được công nhận"
    assert list(plan.dossier_requirements.order_by("order").values_list("code", "per_nominee")) == [
        ("to-trinh-de-nghi-khen-thuong", False),
        ("bao-cao", True),
    ]

    response = client.post(reverse("campaigns:plan_status", args=[plan.pk, "active"]))
    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ACTIVE

    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Hồ sơ quá hạn thấp" in page and "Không vi phạm kỷ luật" in page and "Tờ trình đề nghị" in page
    assert reverse("planning:plan_rules_criteria", args=[plan.pk]) in page
    assert reverse("planning:plan_rules_awards", args=[plan.pk]) in page

    text = export_plan(plan=plan)
    assert "bands:\n  - - 90\n    - 10" in text or "- [90, 10]" in text or "- - 90" in text
    assert "indicator: 766-qua-han" in text and "worst: 5" in text and "per_nominee: false" in text

    plan.delete()
    assert not Criterion.objects.exists() and not QuotaRule.objects.exists()
    imported = import_plan(text=text).plan
    assert imported.status == Plan.Status.ACTIVE and imported.criteria.count() == 4
    assert export_plan(plan=imported) == text


def test_criteria_page_shows_the_running_total_against_the_plan_total(client, org, browser_plan):
    url = reverse("planning:plan_rules_criteria", args=[browser_plan.pk])
    page = client.get(url).content.decode()
    assert "0,00</strong> / 100,00" in page and "Còn thiếu 100,00" in page
    # "Kiểm tra" computes the total of the rows as typed without saving anything.
    rows = [{**NEW_CRITERIA[0], "max_points": "60"}, {**NEW_CRITERIA[1], "max_points": "52,5"}]
    rows[1]["max_points"] = "52.5"
    response = client.post(url, _criteria_post(rows, check="1"))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "112,50</strong>" in page and "Vượt 12,50" in page and "chưa lưu" in page
    assert not browser_plan.criteria.exists()
    _add_criteria(client, browser_plan)
    assert "Đủ điểm" in client.get(url).content.decode()


def test_a_blank_row_is_ignored_even_when_numbered(client, org, browser_plan):
    blank = {
        "order": "9",
        "name": "",
        "code": "",
        "indicator": "",
        "applies_to": "both",
        "comparison": "gte",
        "target": "",
        "worst": "",
        "max_points": "",
        "rule": "threshold",
        "bands_text": "",
        "zero_denominator": "not_applicable",
        "note": "",
    }
    data = _criteria_post(NEW_CRITERIA)
    data.update({f"criteria-4-{key}": value for key, value in blank.items()}, **{"criteria-TOTAL_FORMS": "5"})
    assert client.post(reverse("planning:plan_rules_criteria", args=[browser_plan.pk]), data).status_code == 302
    assert browser_plan.criteria.count() == 4


def test_after_criteria_change_the_plan_is_queued_for_recompute(
    client, org, browser_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _add_criteria(client, browser_plan)
    assert RecomputeRequest.objects.filter(plan=browser_plan, reason="criteria").exists()
    # The save is in the plan's history, with who made it.
    last = browser_plan.history.order_by("-history_date").first()
    assert last.history_change_reason == "rules:criteria" and last.history_user == org.chairman_a


# ---------------------------------------------------------------------------------------------------------------
# Bad input: 400, nothing saved, a Vietnamese message on the row


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target": "140"}, "phải từ 0 đến 100"),
        ({"max_points": "-5"}, "Điểm tối đa phải từ 0"),
        ({"indicator": "766-qua-han", "comparison": "lte", "target": "0", "worst": ""}, "cần mức không đạt điểm"),
        ({"rule": "bands", "bands_text": "90-10; 75:x"}, "cần dạng ngưỡng:điểm"),
        ({"rule": "bands", "bands_text": "90:50"}, "vượt điểm tối đa"),
        ({"bands_text": "90:10"}, "Khung điểm chỉ dùng với cách chấm"),
        ({"code": "Mã Có Dấu"}, "chữ thường không dấu"),
        ({"name": ""}, "bắt buộc"),
    ],
)
def test_an_invalid_criterion_re_renders_with_400_and_saves_nothing(client, org, browser_plan, change, message):
    rows = [NEW_CRITERIA[0], {**NEW_CRITERIA[0], "order": "2", "name": "Tiêu chí sai", **change}]
    response = client.post(reverse("planning:plan_rules_criteria", args=[browser_plan.pk]), _criteria_post(rows))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not browser_plan.criteria.exists()


def test_two_criteria_with_the_same_code_are_refused(client, org, browser_plan):
    rows = [{**NEW_CRITERIA[0], "code": "so-hoa"}, {**NEW_CRITERIA[1], "code": "so-hoa"}]
    response = client.post(reverse("planning:plan_rules_criteria", args=[browser_plan.pk]), _criteria_post(rows))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Mã tiêu chí «so-hoa» bị trùng" in response.content.decode()
    assert not browser_plan.criteria.exists()


def test_an_active_plan_keeps_its_points_adding_up(client, org, browser_plan):
    _add_criteria(client, browser_plan)
    assert client.post(reverse("campaigns:plan_status", args=[browser_plan.pk, "active"])).status_code == 302
    url = reverse("planning:plan_rules_criteria", args=[browser_plan.pk])
    rows = _saved_criteria(browser_plan)
    rows[0]["max_points"] = "35"
    response = client.post(url, _criteria_post(rows, initial=4))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "phải bằng tổng điểm của kế hoạch" in response.content.decode()
    assert browser_plan.criteria.get(order=1).max_points == Decimal("40.00")
    rows[1]["max_points"] = "35"  # 35 + 35 + 20 + 10 = 100 again
    assert client.post(url, _criteria_post(rows, initial=4)).status_code == HTTPStatus.FOUND
    assert browser_plan.criteria.get(order=2).max_points == Decimal("35.00")


def test_invalid_award_rows_re_render_with_400_and_save_nothing(client, org, browser_plan):
    kind = AwardKind.objects.get(code="giay-khen-chu-tich-xa")
    quota = {
        "award_kind": str(kind.pk),
        "period": "",
        "group": "",
        "max_collectives": "1",
        "max_individuals": "0",
        "individuals_per_collective": "",
        "min_ratio": "0",
        "note": "",
    }
    url = reverse("planning:plan_rules_awards", args=[browser_plan.pk])
    cases = [
        ([quota, quota], [], [], "Đã có chỉ tiêu cho cùng hình thức, đợt và khối"),
        ([{**quota, "max_collectives": "0"}], [], [], "ít nhất một tập thể hoặc một cá nhân"),
        ([{**quota, "min_ratio": "120"}], [], [], "Tỷ lệ điểm tối thiểu phải từ 0 đến 100"),
        ([quota], [{"order": "1", "applies_to": "collective", "text": ""}], [], "bắt buộc"),
        (
            [quota],
            [],
            [
                {"order": "1", "code": "to-trinh", "name": "Tờ trình", "applies_to": "both"},
                {"order": "2", "code": "to-trinh", "name": "Tờ trình khác", "applies_to": "both"},
            ],
            "Mã tài liệu «to-trinh» bị trùng",
        ),
    ]
    for quotas, conditions, documents, message in cases:
        response = client.post(url, _award_post(browser_plan, quotas, conditions, documents))
        assert response.status_code == HTTPStatus.BAD_REQUEST, message
        assert message in response.content.decode()
    assert not QuotaRule.objects.exists() and not Condition.objects.exists()
    assert not DossierRequirement.objects.exists()


def test_a_quota_group_must_be_one_of_the_plans_groups(client, org, browser_plan):
    other = Plan.objects.create(
        key="khac", issuer=org.commune_a, title="Khác", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    foreign_group = other.groups.create(order=1, code="khac", name="Khối khác")
    kind = AwardKind.objects.get(code="giay-khen-chu-tich-xa")
    data = _award_post(
        browser_plan,
        [
            {
                "award_kind": str(kind.pk),
                "group": str(foreign_group.pk),
                "max_collectives": "1",
                "max_individuals": "0",
                "min_ratio": "0",
            }
        ],
        [],
        [],
    )
    response = client.post(reverse("planning:plan_rules_awards", args=[browser_plan.pk]), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not QuotaRule.objects.exists()


# ---------------------------------------------------------------------------------------------------------------
# Deleting: confirmation first, and never what is in use


def test_deleting_a_criterion_asks_for_confirmation_first(client, org, browser_plan):
    _add_criteria(client, browser_plan)
    url = reverse("planning:plan_rules_criteria", args=[browser_plan.pk])
    rows = _saved_criteria(browser_plan)
    rows[3]["DELETE"] = "on"
    response = client.post(url, _criteria_post(rows, initial=4))
    assert response.status_code == HTTPStatus.OK
    assert "Xác nhận xóa" in response.content.decode() and browser_plan.criteria.count() == 4
    assert client.post(url, _criteria_post(rows, initial=4, confirm_delete="1")).status_code == HTTPStatus.FOUND
    assert browser_plan.criteria.count() == 3


def test_deleting_a_criterion_with_readings_is_refused(client, org, browser_plan):
    _add_criteria(client, browser_plan)
    participant = collective(browser_plan, org.commune_a)
    criterion = browser_plan.criteria.get(code="ho-so-qua-han-thap")
    Reading.objects.create(
        participant=participant,
        indicator=criterion.indicator,
        period=browser_plan.periods.get(order=1),
        window_start=dt.date(2025, 1, 1),
        window_end=dt.date(2025, 1, 31),
        numerator=1,
        denominator=40,
    )
    url = reverse("planning:plan_rules_criteria", args=[browser_plan.pk])
    assert "Đang được sử dụng — không xóa được" in client.get(url).content.decode()
    rows = _saved_criteria(browser_plan)
    rows[1]["DELETE"] = "on"
    response = client.post(url, _criteria_post(rows, initial=4, confirm_delete="1"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Không thể xóa tiêu chí «Hồ sơ quá hạn thấp» vì đã có số liệu" in response.content.decode()
    assert browser_plan.criteria.filter(pk=criterion.pk).exists()


def test_the_service_refuses_too_when_readings_arrive_after_the_page_was_shown(client, org, browser_plan):
    from planning.forms import CriterionFormSet
    from planning.services.parts import replace_criteria

    _add_criteria(client, browser_plan)
    criterion = browser_plan.criteria.get(code="dung-han")
    rows = _saved_criteria(browser_plan)
    rows[2]["DELETE"] = "on"
    formset = CriterionFormSet(_criteria_post(rows, initial=4), instance=browser_plan, prefix="criteria")
    assert formset.is_valid(), formset.errors
    Reading.objects.create(
        participant=collective(browser_plan, org.commune_a),
        indicator=criterion.indicator,
        period=browser_plan.periods.get(order=1),
        window_start=dt.date(2025, 2, 1),
        window_end=dt.date(2025, 2, 28),
        numerator=5,
        denominator=5,
    )
    with pytest.raises(ValidationError, match="Không thể xóa tiêu chí"):
        replace_criteria(plan=browser_plan, rows=formset.rows(), by=org.chairman_a)
    assert browser_plan.criteria.filter(pk=criterion.pk).exists()


def test_deleting_a_quota_rule_with_nominations_is_refused(client, org, browser_plan):
    _add_award_rules(client, browser_plan)
    person = PersonFactory(unit=org.commune_a)
    participant = individual(browser_plan, person)
    rule = browser_plan.quota_rules.get(period__isnull=True)
    Nomination.objects.create(
        period=browser_plan.periods.get(order=1),
        participant=participant,
        award_kind=rule.award_kind,
        quota_rule=rule,
        name=person.full_name,
    )
    quotas = [
        {
            "id": str(q.pk),
            "award_kind": str(q.award_kind_id),
            "period": str(q.period_id or ""),
            "group": str(q.group_id or ""),
            "max_collectives": str(q.max_collectives),
            "max_individuals": str(q.max_individuals),
            "min_ratio": str(q.min_ratio),
            "note": q.note,
            "DELETE": "on",
        }
        for q in browser_plan.quota_rules.order_by("pk")
    ]
    conditions = [
        {"id": str(c.pk), "order": str(c.order), "applies_to": c.applies_to, "text": c.text}
        for c in browser_plan.conditions.order_by("order", "pk")
    ]
    documents = [
        {
            "id": str(d.pk),
            "order": str(d.order),
            "code": d.code,
            "name": d.name,
            "applies_to": d.applies_to,
            "per_nominee": d.per_nominee,
        }
        for d in browser_plan.dossier_requirements.order_by("order", "code")
    ]
    response = client.post(
        reverse("planning:plan_rules_awards", args=[browser_plan.pk]),
        _award_post(browser_plan, quotas, conditions, documents, initial=(2, 2, 2), confirm_delete="1"),
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "vì đã có đề nghị khen thưởng theo chỉ tiêu này" in response.content.decode()
    assert browser_plan.quota_rules.count() == 2  # neither the used rule nor the other one: all or nothing


# ---------------------------------------------------------------------------------------------------------------
# Who may edit


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("chairman_a", HTTPStatus.OK),
        ("admin_a", HTTPStatus.OK),
        ("deputy_a", HTTPStatus.OK),
        ("staff_a", HTTPStatus.FORBIDDEN),
        ("noi_vu", HTTPStatus.FORBIDDEN),
        ("noi_vu_tinh", HTTPStatus.FORBIDDEN),
        ("staff_b", HTTPStatus.NOT_FOUND),
        ("chairman_b", HTTPStatus.NOT_FOUND),
        ("nobody", HTTPStatus.NOT_FOUND),
    ],
)
@pytest.mark.parametrize("page", ["planning:plan_rules_criteria", "planning:plan_rules_awards"])
def test_who_may_edit_the_rules_of_a_plan(client, org, browser_plan, who, expected, page):
    client.force_login(getattr(org, who))
    url = reverse(page, args=[browser_plan.pk])
    assert client.get(url).status_code == expected
    if expected != HTTPStatus.OK:
        data = (
            _criteria_post(NEW_CRITERIA)
            if page.endswith("criteria")
            else _award_post(browser_plan, [], [{"order": "1", "applies_to": "both", "text": "Không được lưu"}], [])
        )
        assert client.post(url, data).status_code == expected
        assert not browser_plan.criteria.exists() and not browser_plan.conditions.exists()


def test_readers_see_no_edit_links_on_the_plan(client, org, browser_plan):
    criteria_url = reverse("planning:plan_rules_criteria", args=[browser_plan.pk])
    awards_url = reverse("planning:plan_rules_awards", args=[browser_plan.pk])
    for user in (org.staff_a, org.noi_vu):
        client.force_login(user)
        page = client.get(browser_plan.get_absolute_url()).content.decode()
        assert criteria_url not in page and awards_url not in page


def test_anonymous_users_are_sent_to_log_in(client, org, browser_plan):
    client.logout()
    response = client.get(reverse("planning:plan_rules_criteria", args=[browser_plan.pk]))
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(reverse("login"))


def test_a_closed_plan_cannot_be_edited(client, org, browser_plan):
    Plan.objects.filter(pk=browser_plan.pk).update(status=Plan.Status.CLOSED)
    url = reverse("planning:plan_rules_criteria", args=[browser_plan.pk])
    response = client.post(url, _criteria_post(NEW_CRITERIA), follow=True)
    assert "Kế hoạch đã kết thúc" in response.content.decode()
    assert not browser_plan.criteria.exists()
    assert url not in client.get(browser_plan.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Pure helpers


def test_bands_are_read_best_first_whatever_the_direction():
    assert parse_bands("75:6; 90:10; 0:0", max_points=Decimal(10), is_rate=True, lower_is_better=False) == [
        [90, 10],
        [75, 6],
        [0, 0],
    ]
    assert parse_bands("5:0\n0:10;2,5:5", max_points=Decimal(10), is_rate=True, lower_is_better=True) == [
        [0, 10],
        [2.5, 5],
        [5, 0],
    ]
    assert format_bands([[90, 10], [2.5, 5]]) == "90:10; 2,5:5"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "ít nhất một khung"),
        ("90", "cần dạng ngưỡng:điểm"),
        ("a:b", "phải là số"),
        ("120:10", "từ 0 đến 100"),
        ("90:-1", "không được âm"),
        ("90:12", "vượt điểm tối đa"),
        ("90:10; 90:5", "bị lặp"),
    ],
)
def test_bad_bands_are_named(text, message):
    with pytest.raises(ValidationError) as error:
        parse_bands(text, max_points=Decimal(10), is_rate=True, lower_is_better=False)
    assert any(message in m for m in error.value.messages)


def test_codes_are_made_from_vietnamese_names_and_kept_unique():
    assert code_from_name("Đúng hạn", []) == "dung-han"
    assert code_from_name("Đúng hạn", ["dung-han", "dung-han-2"]) == "dung-han-3"
    assert len(code_from_name("Tỷ lệ " * 30, [], max_length=40)) <= 40
    assert code_from_name("!!!", []) == "muc"


def test_editor_pages_queries_do_not_grow_with_rows(client, org, browser_plan, django_assert_max_num_queries):
    _add_criteria(client, browser_plan)
    _add_award_rules(client, browser_plan)
    criteria_url = reverse("planning:plan_rules_criteria", args=[browser_plan.pk])
    awards_url = reverse("planning:plan_rules_awards", args=[browser_plan.pk])
    with django_assert_max_num_queries(15):
        client.get(criteria_url)
    with django_assert_max_num_queries(20):
        client.get(awards_url)
    indicator = Indicator.objects.get(code="766-dung-han")
    kind = AwardKind.objects.get(code="giay-khen-chu-tich-xa")
    for order in range(5, 35):
        Criterion.objects.create(
            plan=browser_plan,
            indicator=indicator,
            code=f"c-{order}",
            order=order,
            name=f"Tiêu chí {order}",
            target=90,
            max_points=0,
        )
        browser_plan.conditions.create(order=order, code=f"tc-{order}", text=f"Tiêu chuẩn {order}")
        browser_plan.dossier_requirements.create(order=order, code=f"d-{order}", name=f"Tài liệu {order}")
    for group_order in range(2, 12):
        group = browser_plan.groups.create(order=group_order, code=f"k-{group_order}", name=f"Khối {group_order}")
        browser_plan.quota_rules.create(award_kind=kind, group=group, max_collectives=1)
    with django_assert_max_num_queries(15):
        page = client.get(criteria_url).content.decode()
    assert "Tiêu chí 34" in page and 'value="35"' in page  # the blank row is numbered after the last one
    with django_assert_max_num_queries(20):
        assert "Khối 11" in client.get(awards_url).content.decode()
