"""A plan at three scales, reproducible from a seed: org tree, people, participants, 20 criteria, 12 months of readings.

    small     1 commune, 8 sections, 20 officials           → 28 participants,      6,720 readings
    province  1 province, 10 districts, 150 communes,       → 3,150 participants, 756,000 readings
              8 sections and 20 officials per commune
    national  34 provinces, 3,321 communes (collectives),   → 13,321 participants, 3,197,040 readings
              3 sections each, 10,000 officials (individuals)

Everything is written in bulk: the treebeard paths are computed here (path = parent path + base-36 step of width
``Unit.steplen``, depth and numchild set directly) and the units bulk-created; readings go through PostgreSQL
``COPY`` (psycopg 3 ``cursor.copy``) or ``bulk_create`` on SQLite. The same seed gives the same tree, names and
figures. The 12 monthly windows end with the current month, so the last one is still open for data entry (its
readings are drafts; the earlier months are "submitted") and the benchmark can import and save into it.

Run alone: ``python -m bench.run --generate-only --scales national --seed 1`` (the bench database is emptied first).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from awards.models import AwardKind, Condition, QuotaRule
from campaigns.models import Group, Membership, Participant, Period, Person, Plan, Role, Unit
from campaigns.vietnamese import fold
from scoring.models import Criterion, Indicator, Reading
from scoring.windows import windows_between

SCALES = ("small", "province", "national")
PASSWORD = "bench-mat-khau-2026"
LOAD_USERS = 16  # data-entry clients of the load test, one per commune (or all on the one commune at small scale)
COPY_CHUNK = 50_000

# 34 provinces and centrally-run cities after 1 July 2025 (the six cities first).
PROVINCES = [
    ("thanh_pho_tw", "Hà Nội"),
    ("thanh_pho_tw", "Hồ Chí Minh"),
    ("thanh_pho_tw", "Hải Phòng"),
    ("thanh_pho_tw", "Đà Nẵng"),
    ("thanh_pho_tw", "Cần Thơ"),
    ("thanh_pho_tw", "Huế"),
    ("tinh", "Lai Châu"),
    ("tinh", "Điện Biên"),
    ("tinh", "Sơn La"),
    ("tinh", "Lạng Sơn"),
    ("tinh", "Quảng Ninh"),
    ("tinh", "Thanh Hóa"),
    ("tinh", "Nghệ An"),
    ("tinh", "Hà Tĩnh"),
    ("tinh", "Cao Bằng"),
    ("tinh", "Tuyên Quang"),
    ("tinh", "Lào Cai"),
    ("tinh", "Thái Nguyên"),
    ("tinh", "Phú Thọ"),
    ("tinh", "Bắc Ninh"),
    ("tinh", "Hưng Yên"),
    ("tinh", "Ninh Bình"),
    ("tinh", "Quảng Trị"),
    ("tinh", "Quảng Ngãi"),
    ("tinh", "Gia Lai"),
    ("tinh", "Khánh Hòa"),
    ("tinh", "Lâm Đồng"),
    ("tinh", "Đắk Lắk"),
    ("tinh", "Đồng Nai"),
    ("tinh", "Tây Ninh"),
    ("tinh", "Vĩnh Long"),
    ("tinh", "Đồng Tháp"),
    ("tinh", "Cà Mau"),
    ("tinh", "An Giang"),
]
PLACE_SYLLABLES = (
    "An Bình Hòa Phú Thạnh Tân Long Mỹ Hưng Phước Lộc Thọ Xuân Đông Tây Nam Bắc Trung Sơn Thủy Hải Hà Yên Vĩnh "
    "Quang Minh Đức Thái Thuận Hiếu Nghĩa Tiến Hồng Cẩm Kim Ngọc Lương Đại Tháp Châu Giang Lâm Thành Trà Vân Định"
).split()
SECTIONS = [
    "Văn phòng HĐND và UBND",
    "Phòng Kinh tế",
    "Phòng Văn hóa – Xã hội",
    "Trung tâm Phục vụ hành chính công",
    "Bộ phận Tư pháp – Hộ tịch",
    "Bộ phận Địa chính – Xây dựng",
    "Bộ phận Tài chính – Kế toán",
    "Công an xã",
]
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Mai Tạ".split()
MIDDLE = "Văn Thị Hữu Đức Minh Ngọc Thanh Quang Thu Hoài Xuân Kim Đình Bảo Gia".split()
GIVEN = (
    "An Anh Ánh Bình Cường Châu Dũng Dung Đức Giang Hà Hải Hạnh Hiếu Hòa Hùng Hương Khánh Lan Linh Long Mai Minh "
    "Nam Nga Ngọc Nhung Phong Phúc Phương Quân Quang Sơn Tâm Thảo Thắng Thủy Trang Trung Tuấn Uyên Vân Việt Yến"
).split()
POSITIONS = [
    "Công chức Văn phòng – Thống kê",
    "Công chức Tư pháp – Hộ tịch",
    "Công chức Địa chính",
    "Chuyên viên",
    "Công chức Văn hóa – Xã hội",
    "Công chức Tài chính – Kế toán",
    "Phó Trưởng phòng",
    "Trưởng phòng",
]

# The 20 indicators: code, name, kind, direction, accumulation, unit label.
INDICATORS = [
    ("bench-dung-han", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "rate", "higher", "sum", "%"),
    ("bench-tthc-truc-tuyen", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", "rate", "higher", "sum", "%"),
    ("bench-nop-truc-tuyen", "Tỷ lệ hồ sơ nộp trực tuyến", "rate", "higher", "sum", "%"),
    ("bench-toan-trinh", "Tỷ lệ hồ sơ trực tuyến toàn trình", "rate", "higher", "sum", "%"),
    ("bench-thanh-toan", "Tỷ lệ hồ sơ thanh toán trực tuyến", "rate", "higher", "sum", "%"),
    ("bench-so-hoa-tiep-nhan", "Tỷ lệ số hóa thành phần hồ sơ khi tiếp nhận", "rate", "higher", "sum", "%"),
    ("bench-so-hoa-ket-qua", "Tỷ lệ số hóa kết quả giải quyết", "rate", "higher", "sum", "%"),
    ("bench-tai-su-dung", "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa", "rate", "higher", "sum", "%"),
    ("bench-phan-anh", "Tiến độ xử lý phản ánh, kiến nghị", "rate", "higher", "sum", "%"),
    ("bench-qua-han", "Tỷ lệ hồ sơ quá hạn", "rate", "lower", "sum", "%"),
    ("bench-khieu-nai", "Tỷ lệ hồ sơ bị phản ánh, khiếu nại", "rate", "lower", "sum", "%"),
    ("bench-bo-sung", "Tỷ lệ hồ sơ phải bổ sung nhiều lần", "rate", "lower", "sum", "%"),
    ("bench-tra-lai", "Tỷ lệ hồ sơ trả lại không đúng quy định", "rate", "lower", "sum", "%"),
    ("bench-tin-bai", "Số tin, bài tuyên truyền về phong trào", "count", "higher", "sum", "tin, bài"),
    ("bench-sang-kien", "Số mô hình, sáng kiến mới", "count", "higher", "sum", "mô hình"),
    ("bench-doi-thoai", "Số buổi đối thoại với người dân", "count", "higher", "sum", "buổi"),
    ("bench-vi-pham", "Số vụ vi phạm kỷ luật hành chính", "count", "lower", "sum", "vụ"),
    ("bench-duong-day-nong", "Số cuộc gọi đường dây nóng được xử lý", "count", "higher", "sum", "cuộc gọi"),
    ("bench-bao-cao", "Gửi báo cáo định kỳ đúng hạn", "boolean", "higher", "last", ""),
    ("bench-niem-yet", "Niêm yết công khai TTHC đầy đủ", "boolean", "higher", "sum", ""),
]
# The 20 criteria, one per indicator in the same order: rule, comparison, target, worst, bands, zero denominator.
# Every rule kind: threshold (≥, ≤, =), linear (higher; lower with a worst level), bands (higher, lower), relative.
CRITERIA = [
    ("threshold", "gte", 95, None, [], "not_applicable"),
    ("linear", "gte", 80, None, [], "not_applicable"),
    ("linear", "gte", 50, None, [], "not_applicable"),
    ("bands", "gte", 60, None, [[60, 5], [40, 3], [20, 1]], "not_applicable"),
    ("relative", "gte", 0, None, [], "zero"),
    ("threshold", "gte", 90, None, [], "not_applicable"),
    ("threshold", "gte", 75, None, [], "not_applicable"),
    ("linear", "gte", 80, None, [], "not_applicable"),
    ("linear", "gte", 100, None, [], "full"),
    ("linear", "lte", 2, 10, [], "full"),
    ("bands", "lte", 1, None, [[1, 5], [3, 3], [5, 1]], "full"),
    ("relative", "lte", 0, None, [], "full"),
    ("threshold", "lte", 5, None, [], "full"),
    ("threshold", "gte", 12, None, [], "not_applicable"),
    ("linear", "gte", 3, None, [], "not_applicable"),
    ("bands", "gte", 6, None, [[6, 5], [3, 3], [1, 1]], "not_applicable"),
    ("linear", "lte", 0, 3, [], "not_applicable"),
    ("relative", "gte", 0, None, [], "not_applicable"),
    ("threshold", "eq", 1, None, [], "not_applicable"),
    ("threshold", "eq", 1, None, [], "not_applicable"),
]
POINTS_EACH = Decimal(5)


@dataclass
class Generated:
    """What the generator made: ids and names the benchmark needs, and the row counts."""

    scale: str
    seed: int
    plan_id: int
    period_id: int
    issuer_id: int
    lead_username: str
    staff_usernames: list[str]
    current_window: dt.date
    window_starts: list[dt.date]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def plan_key(scale: str, seed: int) -> str:
    return f"bench-{scale}-{seed}"


def expected_counts(scale: str) -> dict[str, int]:
    """Participants and readings a scale must produce (the test and the benchmark check them)."""
    collectives, individuals = {"small": (8, 20), "province": (150, 3000), "national": (3321, 10_000)}[scale]
    participants = collectives + individuals
    return {
        "collectives": collectives,
        "individuals": individuals,
        "participants": participants,
        "readings": participants * len(CRITERIA) * 12,
    }


# ---------------------------------------------------------------------------------------------------------------------
# The org tree, with treebeard paths computed here


class _Tree:
    """Units in creation order with their materialised paths; parents always come before their children."""

    def __init__(self, first_root_step: int) -> None:
        self.units: list[Unit] = []
        self._children: list[int] = []
        self._next_root = first_root_step

    def add(
        self,
        parent: int | None,
        *,
        code: str,
        name: str,
        kind: str,
        short_name: str = "",
        is_home_affairs: bool = False,
    ) -> int:
        if parent is None:
            depth, step, base = 1, self._next_root, ""
            self._next_root += 1
        else:
            self._children[parent] += 1
            depth, step, base = self.units[parent].depth + 1, self._children[parent], self.units[parent].path
        path = Unit._get_path(base, depth, step)
        self.units.append(
            Unit(
                path=path,
                depth=depth,
                numchild=0,
                code=code,
                name=name,
                short_name=short_name or name,
                kind=kind,
                is_home_affairs=is_home_affairs,
            )
        )
        self._children.append(0)
        return len(self.units) - 1

    def save(self) -> list[Unit]:
        for unit, children in zip(self.units, self._children, strict=True):
            unit.numchild = children
        created = Unit.objects.bulk_create(self.units, batch_size=2000)
        if created and created[0].pk is None:  # a backend that does not return ids
            by_code = dict(Unit.objects.filter(code__in=[u.code for u in created]).values_list("code", "pk"))
            for unit in created:
                unit.pk = unit.id = by_code[unit.code]
        return created


def _first_root_step() -> int:
    last = Unit.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
    return Unit._str2int(last[: Unit.steplen]) + 1 if last else 1


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_SYLLABLES)} {rng.choice(PLACE_SYLLABLES)}"


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@dataclass
class _Org:
    """The tree and who takes part: collectives (unit indexes), officials (unit index of their section or commune)."""

    tree: _Tree
    issuer: int
    collectives: list[int]
    officials: list[int]
    communes: list[int]


def _commune(tree: _Tree, parent: int, code: str, rng: random.Random, sections: int) -> tuple[int, list[int]]:
    place = _place(rng)
    commune = tree.add(parent, code=code, name=f"Xã {place}", short_name=place, kind="xa")
    children = [
        tree.add(commune, code=f"{code}-{i + 1:02d}", name=f"{SECTIONS[i % len(SECTIONS)]} xã {place}", kind="bo_phan")
        for i in range(sections)
    ]
    return commune, children


def _build_org(scale: str, rng: random.Random) -> _Org:
    tree = _Tree(_first_root_step())
    if scale == "small":
        province = tree.add(None, code="BS", name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm", kind="tinh")
        commune, sections = _commune(tree, province, "BS-X001", rng, 8)
        officials = [sections[i % 8] for i in range(20)]
        return _Org(tree, commune, sections, officials, [commune])
    if scale == "province":
        province = tree.add(None, code="BP", name="Tỉnh Thử Nghiệm", short_name="Thử Nghiệm", kind="tinh")
        tree.add(province, code="BP-SNV", name="Sở Nội vụ tỉnh Thử Nghiệm", kind="so_nganh", is_home_affairs=True)
        communes, officials = [], []
        for d in range(10):
            place = _place(rng)
            district = tree.add(
                province, code=f"BP-H{d + 1:02d}", name=f"Huyện {place}", short_name=place, kind="huyen"
            )
            for c in range(15):
                commune, sections = _commune(tree, district, f"BP-H{d + 1:02d}-X{c + 1:02d}", rng, 8)
                communes.append(commune)
                officials.extend(sections[i % 8] for i in range(20))
        return _Org(tree, province, communes, officials, communes)
    root = tree.add(None, code="BN", name="Bộ Nội vụ", kind="so_nganh", is_home_affairs=True)
    communes, sections_of = [], []
    per_province, extra = divmod(3321, len(PROVINCES))
    for p, (kind, name) in enumerate(PROVINCES):
        prefix = "Thành phố" if kind == "thanh_pho_tw" else "Tỉnh"
        province = tree.add(root, code=f"BN-T{p + 1:02d}", name=f"{prefix} {name}", short_name=name, kind=kind)
        for c in range(per_province + (1 if p < extra else 0)):
            commune, sections = _commune(tree, province, f"BN-T{p + 1:02d}-X{c + 1:03d}", rng, 3)
            communes.append(commune)
            sections_of.append(sections)
    officials = [sections_of[i % len(communes)][(i // len(communes)) % 3] for i in range(10_000)]
    return _Org(tree, root, communes, officials, communes)


# ---------------------------------------------------------------------------------------------------------------------
# Readings


def _figures(rng: random.Random, kind: str, direction: str, code: str, skill: float) -> tuple:
    """(numerator, denominator, value) of one month; about 3 % of rates have no dossiers at all (denominator 0)."""
    if kind == "rate":
        if rng.random() < (0.25 if code == "bench-phan-anh" else 0.03):
            return 0, 0, None
        denominator = rng.randint(5, 240)
        if direction == "higher":
            share = min(1.0, max(0.0, skill + rng.uniform(-0.2, 0.08)))
        else:
            share = max(0.0, (1.0 - skill) * rng.uniform(0.0, 0.3))
        return int(denominator * share), denominator, None
    if kind == "count":
        if direction == "lower":
            return None, None, 1 if rng.random() < (1.0 - skill) * 0.15 else 0
        return None, None, rng.randint(0, 3 if skill > 0.75 else 2)
    return None, None, 1 if rng.random() < skill + 0.15 else 0


def _reading_rows(
    rng: random.Random, participant_ids: list[int], indicators: list[Indicator], windows: list[tuple[dt.date, dt.date]]
) -> Iterator[tuple]:
    """(participant, indicator, window start, window end, numerator, denominator, value, status) for every cell."""
    last = windows[-1][0]
    for participant_id in participant_ids:
        skill = rng.uniform(0.55, 1.0)
        for indicator in indicators:
            for start, end in windows:
                numerator, denominator, value = _figures(
                    rng, indicator.kind, indicator.direction, indicator.code, skill
                )
                status = "draft" if start == last else "submitted"
                yield participant_id, indicator.pk, start, end, numerator, denominator, value, status


def _null(value) -> str:
    return "\\N" if value is None else str(value)


def _copy_text(value) -> str:
    """A value in COPY's text format (the defaults and figures written here never contain tabs or newlines)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _reading_defaults(stamp: str) -> tuple[list[str], str]:
    """Every other column of scoring_reading with its model default, so that a field added to Reading later (with
    a default) needs no change here: (column names, the tab-joined tail of each line)."""
    given = {
        "id",
        "participant",
        "indicator",
        "period",
        "window_start",
        "window_end",
        "numerator",
        "denominator",
        "value",
        "status",
    }
    columns, values = [], []
    for model_field in Reading._meta.concrete_fields:
        if model_field.name in given:
            continue
        value: object
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            value = stamp
        elif model_field.name == "version":
            value = 1
        else:
            value = model_field.get_default()
        columns.append(model_field.column)
        values.append(_copy_text(value))
    return columns, "\t".join(values)


def _copy_readings(rows: Iterator[tuple], period_id: int) -> int:
    """COPY the readings into PostgreSQL in chunks of text lines (the fastest path psycopg 3 offers)."""
    extra_columns, tail = _reading_defaults(timezone.now().isoformat())
    columns = ", ".join(
        [
            "participant_id",
            "indicator_id",
            "period_id",
            "window_start",
            "window_end",
            "numerator",
            "denominator",
            "value",
            "status",
            *extra_columns,
        ]
    )
    written = 0
    with connection.cursor() as django_cursor:
        with django_cursor.cursor.copy(f"COPY scoring_reading ({columns}) FROM STDIN") as copy:
            lines: list[str] = []
            for participant_id, indicator_id, start, end, numerator, denominator, value, status in rows:
                lines.append(
                    f"{participant_id}\t{indicator_id}\t{period_id}\t{start}\t{end}\t{_null(numerator)}\t"
                    f"{_null(denominator)}\t{_null(value)}\t{status}\t{tail}\n"
                )
                if len(lines) >= COPY_CHUNK:
                    copy.write("".join(lines))
                    written += len(lines)
                    lines = []
            copy.write("".join(lines))
            written += len(lines)
    return written


def _insert_readings(rows: Iterator[tuple], period_id: int) -> int:
    """bulk_create in batches (SQLite, and any backend without COPY)."""
    written, batch = 0, []
    for participant_id, indicator_id, start, end, numerator, denominator, value, status in rows:
        batch.append(
            Reading(
                participant_id=participant_id,
                indicator_id=indicator_id,
                period_id=period_id,
                window_start=start,
                window_end=end,
                numerator=numerator,
                denominator=denominator,
                value=value,
                status=status,
                version=1,
            )
        )
        if len(batch) >= 5000:
            Reading.objects.bulk_create(batch)
            written, batch = written + len(batch), []
    Reading.objects.bulk_create(batch)
    return written + len(batch)


# ---------------------------------------------------------------------------------------------------------------------
# The database


def reset_database() -> None:
    """Empty every table of the bench database except the schema bookkeeping (PostgreSQL, bench databases only)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        raise RuntimeError(f"refusing to empty database {name!r}: only a PostgreSQL database named *bench* is emptied")
    keep = {"django_migrations", "django_content_type", "auth_permission"}
    tables = [t for t in connection.introspection.table_names() if t not in keep]
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " RESTART IDENTITY CASCADE"
        )


def windows_ending(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Twelve calendar months ending with the month of `today`."""
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return [(w.start, w.end) for w in windows_between(first, end, "monthly")]


def _catalogue(plan: Plan) -> list[Indicator]:
    indicators = []
    for code, name, kind, direction, accumulation, unit_label in INDICATORS:
        indicator, _created = Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "direction": direction,
                "accumulation": accumulation,
                "unit_label": unit_label,
                "source": "Quyết định 766/QĐ-TTg" if kind == "rate" else "",
                "numerator_label": "Số hồ sơ đạt" if kind == "rate" else "",
                "denominator_label": "Tổng số hồ sơ" if kind == "rate" else "",
            },
        )
        indicators.append(indicator)
    Criterion.objects.bulk_create(
        [
            Criterion(
                plan=plan,
                indicator=indicator,
                code=f"tc-{order:02d}",
                order=order,
                name=indicator.name,
                applies_to=Criterion.AppliesTo.BOTH,
                comparison=comparison,
                target=Decimal(target),
                worst=None if worst is None else Decimal(worst),
                max_points=POINTS_EACH,
                rule=rule,
                bands=bands,
                zero_denominator=zero,
            )
            for order, (indicator, (rule, comparison, target, worst, bands, zero)) in enumerate(
                zip(indicators, CRITERIA, strict=True), start=1
            )
        ]
    )
    return indicators


def _users(org: _Org, units: list[Unit], scale: str) -> tuple[str, list[str]]:
    """A chairman (lãnh đạo + quản trị) of the issuer and data-entry staff of the first communes, one password."""
    User = get_user_model()
    password = make_password(PASSWORD)
    lead = User.objects.create(username=f"bench_lead_{scale}", password=password, first_name="Lãnh đạo", is_staff=False)
    issuer = units[org.issuer]
    Membership.objects.bulk_create(
        [
            Membership(user=lead, unit=issuer, role=Role.LANH_DAO, title="Chủ tịch"),
            Membership(user=lead, unit=issuer, role=Role.QUAN_TRI),
        ]
    )
    staff_units = [units[org.communes[i % len(org.communes)]] for i in range(LOAD_USERS)]
    staff = User.objects.bulk_create(
        [
            User(username=f"bench_staff_{scale}_{i + 1:02d}", password=password, first_name="Nhập liệu")
            for i in range(LOAD_USERS)
        ]
    )
    if staff[0].pk is None:
        staff = list(User.objects.filter(username__startswith=f"bench_staff_{scale}_").order_by("username"))
    Membership.objects.bulk_create(
        [
            Membership(user=user, unit=unit, role=Role.NHAP_LIEU, title="Công chức Văn phòng – Thống kê")
            for user, unit in zip(staff, staff_units, strict=True)
        ]
    )
    return lead.username, [user.username for user in staff]


@transaction.atomic
def generate(*, scale: str, seed: int, today: dt.date | None = None) -> Generated:
    """Create the plan of a scale from a seed in the current (empty or not) database; returns what was made."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    began = time.perf_counter()
    rng = random.Random(f"{scale}:{seed}")
    today = today or timezone.localdate()
    windows = windows_ending(today)

    org = _build_org(scale, rng)
    units = org.tree.save()
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=(name := _person_name(rng)),
                search_name=fold(name),  # bulk_create skips Person.save(), which keeps it
                position=rng.choice(POSITIONS),
                unit=units[unit_index],
                code=f"{units[unit_index].code[:28]}-CB{i + 1:05d}",
            )
            for i, unit_index in enumerate(org.officials)
        ],
        batch_size=2000,
    )
    if people and people[0].pk is None:
        people = list(Person.objects.filter(code__in=[p.code for p in people]).order_by("pk"))

    issuer = units[org.issuer]
    plan = Plan.objects.create(
        key=plan_key(scale, seed),
        issuer=issuer,
        number="01",
        issued_on=windows[0][0],
        place=issuer.short_name,
        title=f"Kế hoạch phát động phong trào thi đua cải cách hành chính năm {today.year} (quy mô {scale})",
        start=windows[0][0],
        end=windows[-1][1],
        frequency=Plan.Frequency.MONTHLY,
        status=Plan.Status.ACTIVE,
        signer_name="Nguyễn Văn Chủ",
        signer_title="Chủ tịch",
    )
    period = Period.objects.create(
        plan=plan,
        order=1,
        name="Cả năm",
        start=windows[0][0],
        end=windows[-1][1],
        review_kind=Period.ReviewKind.TONG_KET,
    )
    collective_group = Group.objects.create(plan=plan, code="tap-the", name="Khối tập thể", order=1)
    individual_group = Group.objects.create(plan=plan, code="ca-nhan", name="Khối cá nhân", order=2)
    indicators = _catalogue(plan)

    participants = Participant.objects.bulk_create(
        [
            Participant(
                plan=plan,
                group=collective_group,
                kind=Participant.Kind.COLLECTIVE,
                unit=units[index],
                name=units[index].name,
            )
            for index in org.collectives
        ]
        + [
            Participant(
                plan=plan,
                group=individual_group,
                kind=Participant.Kind.INDIVIDUAL,
                person=person,
                name=person.full_name,
                position=person.position,
                unit_name=person.unit.name,
            )
            for person in people
        ],
        batch_size=2000,
    )
    participant_ids = [p.pk for p in participants]
    if not participant_ids or participant_ids[0] is None:
        participant_ids = list(Participant.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))

    rows = _reading_rows(rng, participant_ids, indicators, windows)
    if connection.vendor == "postgresql":
        readings = _copy_readings(rows, period.pk)
    else:
        readings = _insert_readings(rows, period.pk)

    award = AwardKind.objects.update_or_create(
        code="bench-giay-khen",
        defaults={
            "name": f"Giấy khen của Chủ tịch {issuer.name}",
            "level": "commune",
            "recipients": "both",
            "individual_coefficient": Decimal("0.15"),
            "collective_multiplier": Decimal(2),
        },
    )[0]
    collectives, individuals = len(org.collectives), len(people)
    QuotaRule.objects.bulk_create(
        [
            QuotaRule(
                plan=plan,
                group=collective_group,
                award_kind=award,
                max_collectives=max(1, collectives // 10),
                min_ratio=Decimal(50),
            ),
            QuotaRule(
                plan=plan,
                group=individual_group,
                award_kind=award,
                max_individuals=max(2, individuals // 10),
                min_ratio=Decimal(50),
            ),
        ]
    )
    Condition.objects.bulk_create(
        [
            Condition(
                plan=plan,
                code="chap-hanh-chu-truong",
                order=1,
                applies_to="both",
                text="Chấp hành tốt chủ trương, chính sách của Đảng, pháp luật của Nhà nước.",
            ),
            Condition(
                plan=plan,
                code="hoan-thanh-nhiem-vu",
                order=2,
                applies_to="individual",
                text="Hoàn thành tốt nhiệm vụ được giao.",
            ),
        ]
    )
    lead, staff = _users(org, units, scale)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Generated(
        scale=scale,
        seed=seed,
        plan_id=plan.pk,
        period_id=period.pk,
        issuer_id=issuer.pk,
        lead_username=lead,
        staff_usernames=staff,
        current_window=windows[-1][0],
        window_starts=[start for start, _end in windows],
        counts={
            "units": len(units),
            "people": len(people),
            "collectives": collectives,
            "individuals": individuals,
            "participants": len(participant_ids),
            "criteria": len(CRITERIA),
            "windows": len(windows),
            "readings": readings,
        },
        seconds=time.perf_counter() - began,
    )
