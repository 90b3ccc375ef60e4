"""The plan file: one YAML document holds a whole plan (docs/plan-format.md).

`import_plan` reads a file, checks all of it and names every error with its line and place, in Vietnamese, then
writes the plan in one transaction (all or nothing); importing the same file again updates the plan found by its
`key`. `export_plan` writes the file back; export → import into an empty database → export gives the same text.
`copy_plan_to_year` reuses both to draft next year's plan. It lives in planning, the one app above the three it spans.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, overload

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from awards import catalogue as award_catalogue
from awards.models import AwardKind, Level, Recipient
from campaigns.models import (
    Participant,
    Period,
    PeriodDates,
    Person,
    Plan,
    PlanTask,
    Unit,
    dates_problem,
    period_problems,
)
from campaigns.policies import PlanPolicy
from core.codes import code_from_name
from core.uploads import check_yaml_text, yaml_error_message
from planning.services import parts
from planning.services.parts import award_kind_change_problem, outside_issuer
from scoring import catalogue as indicator_catalogue
from scoring import rules as scoring_rules
from scoring.criterion_checks import criterion_problems
from scoring.models import Criterion, Indicator

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.utils.functional import Promise

FORMAT_NOTE = "# Tệp kế hoạch thi đua của Thi đua — định dạng mô tả trong docs/plan-format.md\n"

PLAN_KEYS = (
    "key",
    "issuer",
    "number",
    "symbol",
    "issued_on",
    "place",
    "title",
    "kind",
    "status",
    "start",
    "end",
    "frequency",
    "grace_days",
    "total_points",
    "vote_threshold",
    "signer",
    "legal_bases",
    "purpose",
    "requirements",
    "recipients",
    "source_note",
    "periods",
    "groups",
    "participants",
    "criteria",
    "award_kinds",
    "quotas",
    "conditions",
    "dossier_documents",
    "tasks",
)
PERIOD_KEYS = ("name", "start", "end", "review_kind", "dossier_deadline", "status")
GROUP_KEYS = ("code", "name")
COLLECTIVE_KEYS = ("unit", "name", "group")
INDIVIDUAL_KEYS = ("person", "full_name", "position", "unit", "group")
CRITERION_KEYS = (
    "code",
    "name",
    "indicator",
    "applies_to",
    "comparison",
    "target",
    "worst",
    "max_points",
    "rule",
    "bands",
    "zero_denominator",
    "note",
)
AWARD_KIND_KEYS = (
    "code",
    "name",
    "certificate_title",
    "level",
    "recipients",
    "individual_coefficient",
    "collective_multiplier",
)
QUOTA_KEYS = (
    "award_kind",
    "period",
    "group",
    "max_collectives",
    "max_individuals",
    "individuals_per_collective",
    "min_ratio",
    "note",
)
CONDITION_KEYS = ("code", "applies_to", "text")
DOSSIER_KEYS = ("code", "name", "applies_to", "per_nominee", "from_council")
TASK_KEYS = ("code", "title", "lead_unit", "executing_units", "deadline", "status", "progress", "progress_percent")


class PlanFileError(Exception):
    """A plan file that cannot be imported; `errors` lists every problem with its place in the file."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


# ---------------------------------------------------------------------------------------------------------------
# Reading YAML with the line of every value


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: a date stays text so "2024-13-01" is reported with its place, not a traceback."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_lines(node: yaml.Node, path: tuple = ()) -> dict[tuple, int]:
    """Line number (1-based) of every key and item, by its path in the document."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines.update(_node_lines(value, (*path, key.value)))
            lines[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_node_lines(item, (*path, index)))
    return lines


def parse_text(text: str) -> tuple[Any, dict[tuple, int]]:
    """The document and the line of each of its parts; a syntax error is a PlanFileError naming its line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        return loader.construct_document(node), _node_lines(node)
    except (yaml.YAMLError, RecursionError) as error:
        raise PlanFileError([yaml_error_message(error, text)]) from error
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------------------------------------
# Checking the document


@dataclass
class _Spec:
    """The plan as read from the file, with codes resolved to database objects; nothing written yet."""

    key: str = ""
    issuer: Unit | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    status: str = Plan.Status.DRAFT
    periods: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    collectives: list[dict] = field(default_factory=list)
    individuals: list[dict] = field(default_factory=list)
    criteria: list[dict] = field(default_factory=list)
    award_kinds: list[dict] = field(default_factory=list)
    quotas: list[dict] = field(default_factory=list)
    conditions: list[dict] = field(default_factory=list)
    dossier_documents: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)


_MISSING = object()
_DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class _Reader:
    """Walks the document, converts values and collects every error with its place."""

    def __init__(self, lines: dict[tuple, int]) -> None:
        self.lines = lines
        self.errors: list[str] = []

    # -- places and errors

    def place(self, path: tuple) -> str:
        shown = " › ".join(str(part + 1) if isinstance(part, int) else str(part) for part in path)
        probe = tuple(path)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe)
        if line is None:
            return _("Mục %(path)s") % {"path": shown or _("(toàn tệp)")}
        return _("Dòng %(line)s, mục %(path)s") % {"line": line, "path": shown or _("(toàn tệp)")}

    def error(self, path: tuple, message: str | Promise) -> None:
        self.errors.append(_("%(place)s: %(message)s") % {"place": self.place(path), "message": message})

    # -- shapes

    def mapping(self, value: Any, path: tuple, keys: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, _("Cần một bảng các mục (khóa: giá trị)."))
            return None
        for key in value:
            if key not in keys:
                self.error(
                    (*path, key),
                    _("Mục «%(key)s» không có trong định dạng tệp kế hoạch (các mục hợp lệ: %(keys)s).")
                    % {"key": key, "keys": ", ".join(keys)},
                )
        return value

    def sequence(self, mapping: dict, path: tuple, key: str) -> list:
        value = mapping.get(key, None)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error((*path, key), _("Cần một danh sách (mỗi dòng bắt đầu bằng «- »)."))
            return []
        return value

    # -- scalars

    def text(
        self,
        mapping: dict,
        path: tuple,
        key: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        default: str = "",
    ) -> str:
        value = mapping.get(key, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required:
                self.error((*path, key), _("Thiếu mục bắt buộc «%(key)s».") % {"key": key})
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error((*path, key), _("Cần một chuỗi ký tự."))
            return default
        value = str(value).strip() if not isinstance(value, str) else value.strip("\n").rstrip()
        if max_length and len(value) > max_length:
            self.error((*path, key), _("Dài quá %(max)s ký tự.") % {"max": max_length})
            return value[:max_length]
        return value

    def date(self, mapping: dict, path: tuple, key: str, *, required: bool = False) -> dt.date | None:
        value = mapping.get(key, None)
        if value in (None, ""):
            if required:
                self.error((*path, key), _("Thiếu mục bắt buộc «%(key)s».") % {"key": key})
            return None
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            match = _DATE_DMY.match(text)
            if match:
                return dt.date(int(match[3]), int(match[2]), int(match[1]))
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(
                (*path, key),
                _("Ngày «%(value)s» không hợp lệ (cần dạng 2024-12-05 hoặc 05/12/2024).") % {"value": text},
            )
            return None

    def number(
        self,
        mapping: dict,
        path: tuple,
        key: str,
        *,
        required: bool = False,
        default: Any = None,
        minimum: Decimal | int | None = 0,
        maximum: Decimal | int | None = None,
        integer: bool = False,
    ) -> Any:
        value = mapping.get(key, None)
        if value is None or value == "":
            if required:
                self.error((*path, key), _("Thiếu mục bắt buộc «%(key)s».") % {"key": key})
            return default
        if isinstance(value, bool):
            value = int(value)
        try:
            number = Decimal(str(value).strip().rstrip("%").strip().replace(",", "."))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.error((*path, key), _("«%(value)s» không phải là số.") % {"value": value})
            return default
        if integer and number != number.to_integral_value():
            self.error((*path, key), _("«%(value)s» phải là số nguyên.") % {"value": value})
            return default
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            bounds = (
                _("từ %(min)s đến %(max)s") % {"min": minimum, "max": maximum}
                if maximum is not None
                else _("không nhỏ hơn %(min)s") % {"min": minimum}
            )
            self.error(
                (*path, key),
                _("Giá trị %(value)s không hợp lệ: phải %(bounds)s.") % {"value": _plain(number), "bounds": bounds},
            )
            return default
        return int(number) if integer else number

    @overload
    def choice(self, mapping: dict, path: tuple, key: str, choices: type[models.Choices], *, default: str) -> str: ...
    @overload
    def choice(
        self, mapping: dict, path: tuple, key: str, choices: type[models.Choices], *, default: None = None
    ) -> str | None: ...
    def choice(
        self, mapping: dict, path: tuple, key: str, choices: type[models.Choices], *, default: str | None = None
    ) -> str | None:
        value = mapping.get(key, None)
        if value in (None, ""):
            if default is None:
                self.error((*path, key), _("Thiếu mục bắt buộc «%(key)s».") % {"key": key})
            return default
        if value not in choices.values:
            options = ", ".join(f"{v} ({label})" for v, label in choices.choices)
            self.error(
                (*path, key),
                _("«%(value)s» không hợp lệ; chọn một trong: %(choices)s.") % {"value": value, "choices": options},
            )
            return default
        return value

    def boolean(self, mapping: dict, path: tuple, key: str, *, default: bool) -> bool:
        value = mapping.get(key, None)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error((*path, key), _("Cần true hoặc false."))
            return default
        return value

    def texts(self, mapping: dict, path: tuple, key: str) -> list[str]:
        result = []
        for index, item in enumerate(self.sequence(mapping, path, key)):
            if not isinstance(item, str) or not item.strip():
                self.error((*path, key, index), _("Cần một dòng văn bản."))
            else:
                result.append(item.strip())
        return result


def _plain(number: Decimal | None) -> int | float | None:
    """A Decimal as the plain number a person would type: 90 for 90.00, 0.15 for 0.150."""
    if number is None:
        return None
    number = Decimal(number)
    if number == number.to_integral_value():
        return int(number)
    return float(number.normalize())


def _read(data: Any, lines: dict[tuple, int], by: User | None = None) -> _Spec:
    """Check the whole document; raise PlanFileError listing every problem, or return the resolved spec."""
    reader = _Reader(lines)
    spec = _Spec()
    root = reader.mapping(data, (), PLAN_KEYS)
    if root is None:
        raise PlanFileError(
            [_("Tệp trống hoặc không phải một kế hoạch (cần một bảng các mục như key, issuer, title…).")]
        )
    spec.key = reader.text(root, (), "key", required=True, max_length=80)
    if spec.key and slugify(spec.key) != spec.key:
        reader.error(
            ("key",), _("Mã kế hoạch chỉ gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ tay-hieu-2024).")
        )
    issuer_code = reader.text(root, (), "issuer", required=True)
    if issuer_code:
        spec.issuer = Unit.objects.filter(code=issuer_code).first()
        if spec.issuer is None:
            reader.error(("issuer",), _("Không tìm thấy đơn vị có mã «%(code)s».") % {"code": issuer_code})
    signer = root.get("signer") or {}
    if signer:
        signer = reader.mapping(signer, ("signer",), ("name", "title")) or {}
    fields: dict[str, Any] = {
        "number": reader.text(root, (), "number", max_length=20),
        "symbol": reader.text(root, (), "symbol", max_length=40, default="KH-UBND"),
        "issued_on": reader.date(root, (), "issued_on"),
        "place": reader.text(root, (), "place", max_length=80),
        "title": reader.text(root, (), "title", required=True, max_length=500),
        "kind": reader.choice(root, (), "kind", Plan.Kind, default=Plan.Kind.CHUYEN_DE),
        "start": reader.date(root, (), "start", required=True),
        "end": reader.date(root, (), "end", required=True),
        "frequency": reader.choice(root, (), "frequency", Plan.Frequency, default=Plan.Frequency.MONTHLY),
        "grace_days": reader.number(root, (), "grace_days", default=5, maximum=60, integer=True),
        "total_points": reader.number(
            root, (), "total_points", default=Decimal(100), minimum=Decimal("0.01"), maximum=Decimal(10000)
        ),
        "vote_threshold": reader.number(root, (), "vote_threshold", default=Decimal(70), maximum=100),
        "signer_name": reader.text(signer, ("signer",), "name", max_length=120),
        "signer_title": reader.text(signer, ("signer",), "title", max_length=120),
        "legal_bases": reader.texts(root, (), "legal_bases"),
        "purpose": reader.text(root, (), "purpose"),
        "requirements": reader.text(root, (), "requirements"),
        "recipients": reader.texts(root, (), "recipients"),
        "source_note": reader.text(root, (), "source_note"),
    }
    spec.fields = fields
    spec.status = reader.choice(root, (), "status", Plan.Status, default=Plan.Status.DRAFT)
    start, end = fields["start"], fields["end"]
    if wrong_order := dates_problem(start, end):
        reader.error(("end",), wrong_order)
        start = end = None

    _read_periods(reader, root, spec, start, end)
    group_codes = _read_groups(reader, root, spec)
    _read_participants(reader, root, spec, group_codes)
    _read_criteria(reader, root, spec)
    _read_award_kinds_and_quotas(reader, root, spec, group_codes, by)
    _read_conditions_and_dossiers(reader, root, spec)
    _read_tasks(reader, root, spec)
    if reader.errors:
        raise PlanFileError(reader.errors)
    return spec


def _read_periods(reader: _Reader, root: dict, spec: _Spec, start: dt.date | None, end: dt.date | None) -> None:
    places: list[int] = []  # the file's index of each period read
    for index, item in enumerate(reader.sequence(root, (), "periods")):
        path = ("periods", index)
        row = reader.mapping(item, path, PERIOD_KEYS)
        if row is None:
            continue
        period: dict[str, Any] = {
            "name": reader.text(row, path, "name", required=True, max_length=120),
            "start": reader.date(row, path, "start", required=True),
            "end": reader.date(row, path, "end", required=True),
            "review_kind": reader.choice(
                row, path, "review_kind", Period.ReviewKind, default=Period.ReviewKind.TONG_KET
            ),
            "dossier_deadline": reader.date(row, path, "dossier_deadline"),
            "status": reader.choice(row, path, "status", Period.Status, default=Period.Status.OPEN),
        }
        spec.periods.append(period)
        places.append(index)
    rows = [PeriodDates(p["name"] or "", p["start"], p["end"], p["dossier_deadline"]) for p in spec.periods]
    for index, name, message in period_problems(rows, start, end):
        reader.error(("periods", places[index], name), message)


def _read_groups(reader: _Reader, root: dict, spec: _Spec) -> set[str]:
    codes: dict[str, int] = {}
    for index, item in enumerate(reader.sequence(root, (), "groups")):
        path = ("groups", index)
        row = reader.mapping(item, path, GROUP_KEYS)
        if row is None:
            continue
        code = reader.text(row, path, "code", required=True, max_length=40)
        if code and slugify(code) != code:
            reader.error((*path, "code"), _("Mã khối chỉ gồm chữ thường không dấu, số và dấu gạch ngang."))
        if code in codes:
            reader.error((*path, "code"), _("Mã khối «%(code)s» bị lặp.") % {"code": code})
        codes[code] = index
        spec.groups.append({"code": code, "name": reader.text(row, path, "name", required=True, max_length=200)})
    return set(codes)


def _units_of(issuer: Unit | None) -> Any:
    return parts.units_of(issuer) if issuer else Unit.objects.none()


def _people_of(issuer: Unit | None) -> Any:
    return parts.people_of(issuer) if issuer else Person.objects.none()


def _group(reader: _Reader, row: dict, path: tuple, group_codes: set[str]) -> str | None:
    code = reader.text(row, path, "group")
    if code and code not in group_codes:
        reader.error((*path, "group"), _("Khối «%(code)s» chưa được khai báo trong mục groups.") % {"code": code})
        return None
    return code or None


def _read_participants(reader: _Reader, root: dict, spec: _Spec, group_codes: set[str]) -> None:
    participants = root.get("participants") or {}
    participants = reader.mapping(participants, ("participants",), ("collectives", "individuals")) or {}
    collective_items = reader.sequence(participants, ("participants",), "collectives")
    individual_items = reader.sequence(participants, ("participants",), "individuals")
    unit_codes = {row.get("unit") for row in collective_items if isinstance(row, dict)}
    unit_codes |= {row.get("unit") for row in individual_items if isinstance(row, dict)}
    # Only the issuer's own units and people are found: any other code, elsewhere or nowhere, reads the same.
    units = {
        unit.code: unit
        for unit in _units_of(spec.issuer).filter(code__in=[c for c in unit_codes if isinstance(c, str)])
    }
    person_codes = [row.get("person") for row in individual_items if isinstance(row, dict)]
    people = {
        person.code: person
        for person in _people_of(spec.issuer)
        .select_related("unit")
        .filter(code__in=[c for c in person_codes if isinstance(c, str)])
    }

    seen_units: set[int] = set()
    for index, item in enumerate(collective_items):
        path = ("participants", "collectives", index)
        row = reader.mapping(item, path, COLLECTIVE_KEYS)
        if row is None:
            continue
        code = reader.text(row, path, "unit", required=True)
        unit = units.get(code)
        if code and unit is None:
            reader.error((*path, "unit"), outside_issuer(_("Đơn vị"), code))
            continue
        if unit is not None and unit.pk in seen_units:
            reader.error(
                (*path, "unit"),
                _("Đơn vị «%(code)s» đã có trong danh sách tập thể; mỗi đối tượng chỉ thuộc một khối.")
                % {"code": code},
            )
            continue
        group = _group(reader, row, path, group_codes)
        if unit is not None:
            seen_units.add(unit.pk)
            spec.collectives.append(
                {"unit": unit, "name": reader.text(row, path, "name", max_length=255) or unit.name, "group": group}
            )

    seen_people: set = set()
    for index, item in enumerate(individual_items):
        path = ("participants", "individuals", index)
        row = reader.mapping(item, path, INDIVIDUAL_KEYS)
        if row is None:
            continue
        group = _group(reader, row, path, group_codes)
        code = reader.text(row, path, "person")
        if code:
            person = people.get(code)
            if person is None:
                reader.error((*path, "person"), outside_issuer(_("Cán bộ"), code))
                continue
            identity: tuple[str, str] | tuple[str, str, int] = ("code", code)
            entry = {
                "person": person,
                "full_name": reader.text(row, path, "full_name") or person.full_name,
                "position": reader.text(row, path, "position") or person.position,
                "unit": person.unit,
            }
        else:
            # A person without a code is found (or created) by full name within the unit.
            full_name = reader.text(row, path, "full_name", required=True, max_length=120)
            unit_code = reader.text(row, path, "unit", required=True)
            unit = units.get(unit_code)
            if unit_code and unit is None:
                reader.error((*path, "unit"), outside_issuer(_("Đơn vị"), unit_code))
                continue
            if not full_name or unit is None:
                continue
            identity = ("name", full_name, unit.pk)
            entry = {
                "person": None,
                "full_name": full_name,
                "unit": unit,
                "position": reader.text(row, path, "position", max_length=160),
            }
        if identity in seen_people:
            reader.error(
                path,
                _("Cá nhân «%(name)s» đã có trong danh sách; mỗi đối tượng chỉ thuộc một khối.")
                % {"name": entry["full_name"]},
            )
            continue
        seen_people.add(identity)
        entry["group"] = group
        spec.individuals.append(entry)


def _read_criteria(reader: _Reader, root: dict, spec: _Spec) -> None:
    items = reader.sequence(root, (), "criteria")
    codes = [row.get("indicator") for row in items if isinstance(row, dict)]
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[c for c in codes if isinstance(c, str)])}
    seen: set[str] = set()
    for index, item in enumerate(items):
        path = ("criteria", index)
        row = reader.mapping(item, path, CRITERION_KEYS)
        if row is None:
            continue
        code = reader.text(row, path, "code", required=True, max_length=60)
        if code in seen:
            reader.error((*path, "code"), _("Mã tiêu chí «%(code)s» bị lặp.") % {"code": code})
        seen.add(code)
        indicator_code = reader.text(row, path, "indicator", required=True)
        indicator = indicators.get(indicator_code)
        if indicator_code and indicator is None:
            reader.error(
                (*path, "indicator"), _("Không có chỉ số «%(code)s» trong danh mục chỉ số.") % {"code": indicator_code}
            )
        lower = indicator is not None and indicator.direction == Indicator.Direction.LOWER
        criterion = {
            "code": code,
            "name": reader.text(row, path, "name", required=True, max_length=500),
            "indicator": indicator,
            "applies_to": reader.choice(row, path, "applies_to", Criterion.AppliesTo, default=Criterion.AppliesTo.BOTH),
            "comparison": reader.choice(
                row,
                path,
                "comparison",
                Criterion.Comparison,
                default=Criterion.Comparison.LTE if lower else Criterion.Comparison.GTE,
            ),
            "max_points": reader.number(row, path, "max_points", required=True, minimum=None),
            "rule": reader.choice(row, path, "rule", Criterion.Rule, default=Criterion.Rule.THRESHOLD),
            "zero_denominator": reader.choice(
                row,
                path,
                "zero_denominator",
                Criterion.ZeroDenominator,
                default=Criterion.ZeroDenominator.NOT_APPLICABLE,
            ),
            "note": reader.text(row, path, "note"),
            "target": reader.number(row, path, "target", minimum=None),
            "worst": reader.number(row, path, "worst", minimum=None),
            "bands": [],
        }
        if indicator is not None and indicator.kind == Indicator.Kind.BOOLEAN and criterion["target"] is None:
            criterion["target"] = Decimal(1)  # a criterion with no number is met by "yes"
        given = row.get("bands") is not None
        bands, written = _read_bands(reader, row, path) if given else ([], True)
        if indicator is not None and written:
            # What the values mean: the one statement the criteria editor also maps (scoring/criterion_checks.py).
            problems = criterion_problems(
                code=code or "",
                kind=indicator.kind,
                direction=indicator.direction,
                comparison=criterion["comparison"],
                rule=criterion["rule"],
                target=criterion["target"],
                worst=criterion["worst"],
                max_points=criterion["max_points"],
                bands=bands if given else None,
            )
            for name, message in problems:
                reader.error((*path, name), message)
            if criterion["rule"] == Criterion.Rule.BANDS and bands and not problems:
                ordered = scoring_rules.canonical_bands(indicator.direction, bands)
                criterion["bands"] = [[_plain(threshold), _plain(points)] for threshold, points in ordered]
        spec.criteria.append(criterion)


def _read_bands(reader: _Reader, row: dict, path: tuple) -> tuple[list[tuple[Decimal, Decimal]], bool]:
    """The bands as written, [[threshold, points], …] in any order (stored best first once checked), and whether
    each was written as a pair of numbers (the place of one that was not is reported)."""
    bands: list[tuple[Decimal, Decimal]] = []
    written = True
    for index, band in enumerate(reader.sequence(row, path, "bands")):
        if not isinstance(band, list) or len(band) != 2:
            reader.error((*path, "bands", index), _("Mỗi khung điểm là một cặp [ngưỡng, điểm]."))
            written = False
            continue
        pair = {"threshold": band[0], "points": band[1]}
        threshold = reader.number(pair, (*path, "bands", index), "threshold", required=True, minimum=None)
        points = reader.number(pair, (*path, "bands", index), "points", required=True, minimum=None)
        if threshold is None or points is None:
            written = False
            continue
        bands.append((threshold, points))
    return bands, written


def _read_award_kinds_and_quotas(
    reader: _Reader, root: dict, spec: _Spec, group_codes: set[str], by: User | None
) -> None:
    file_kinds: set[str] = set()
    kind_items = reader.sequence(root, (), "award_kinds")
    existing = AwardKind.objects.select_related("owner").in_bulk(
        [r["code"] for r in kind_items if isinstance(r, dict) and isinstance(r.get("code"), str)], field_name="code"
    )
    for index, item in enumerate(kind_items):
        path = ("award_kinds", index)
        row = reader.mapping(item, path, AWARD_KIND_KEYS)
        if row is None:
            continue
        code = reader.text(row, path, "code", required=True, max_length=60)
        kind_row = {
            "code": code,
            "name": reader.text(row, path, "name", required=True, max_length=255),
            "certificate_title": reader.text(row, path, "certificate_title", max_length=60, default="GIẤY KHEN"),
            "level": reader.choice(row, path, "level", Level),
            "recipients": reader.choice(row, path, "recipients", Recipient, default=Recipient.BOTH),
            "individual_coefficient": reader.number(row, path, "individual_coefficient", required=True, maximum=100),
            "collective_multiplier": reader.number(row, path, "collective_multiplier", default=Decimal(2), maximum=100),
        }
        kind = existing.get(code)
        if code in award_catalogue.CODES and kind is None:
            kind = AwardKind(code=code)  # the catalogue is synced before an import: read-only to files
        if kind is not None and spec.issuer and (problem := award_kind_change_problem(kind, kind_row, by, spec.issuer)):
            reader.error((*path, "code"), problem)
        file_kinds.add(code)
        spec.award_kinds.append(kind_row)
    items = reader.sequence(root, (), "quotas")
    known = (
        set(
            AwardKind.objects.filter(
                code__in=[
                    r.get("award_kind") for r in items if isinstance(r, dict) and isinstance(r.get("award_kind"), str)
                ]
            ).values_list("code", flat=True)
        )
        | file_kinds
    )
    seen: set[tuple] = set()
    for index, item in enumerate(items):
        path = ("quotas", index)
        row = reader.mapping(item, path, QUOTA_KEYS)
        if row is None:
            continue
        kind_code = reader.text(row, path, "award_kind", required=True)
        if kind_code and kind_code not in known:
            reader.error(
                (*path, "award_kind"),
                _("Không có hình thức khen thưởng «%(code)s» trong danh mục hay mục award_kinds.")
                % {"code": kind_code},
            )
        period = reader.number(row, path, "period", minimum=1, integer=True)
        if period is not None and period > len(spec.periods):
            reader.error(
                (*path, "period"),
                _("Đợt số %(number)s không tồn tại (kế hoạch có %(count)s đợt).")
                % {"number": period, "count": len(spec.periods)},
            )
        group = _group(reader, row, path, group_codes)
        if (kind_code, period, group) in seen:
            reader.error(path, _("Chỉ tiêu cho cùng hình thức, đợt và khối đã khai báo ở trên."))
        seen.add((kind_code, period, group))
        quota = {
            "award_kind": kind_code,
            "period": period,
            "group": group,
            "max_collectives": reader.number(row, path, "max_collectives", default=0, maximum=10000, integer=True),
            "max_individuals": reader.number(row, path, "max_individuals", default=0, maximum=10000, integer=True),
            "individuals_per_collective": reader.number(
                row, path, "individuals_per_collective", maximum=1000, integer=True
            ),
            "min_ratio": reader.number(row, path, "min_ratio", default=Decimal(0), maximum=100),
            "note": reader.text(row, path, "note"),
        }
        if not quota["max_collectives"] and not quota["max_individuals"]:
            reader.error(path, _("Chỉ tiêu phải cho phép ít nhất một tập thể hoặc một cá nhân."))
        spec.quotas.append(quota)


def _read_conditions_and_dossiers(reader: _Reader, root: dict, spec: _Spec) -> None:
    codes: set[str] = set()
    for index, item in enumerate(reader.sequence(root, (), "conditions")):
        path = ("conditions", index)
        row = reader.mapping(item, path, CONDITION_KEYS)
        if row is None:
            continue
        text = reader.text(row, path, "text", required=True)
        # A condition keeps its code (written by the export); one without is named from its text, never its place.
        code = reader.text(row, path, "code", max_length=60) or code_from_name(text or "", codes)
        if slugify(code) != code:
            reader.error((*path, "code"), _("Mã tiêu chuẩn chỉ gồm chữ thường không dấu, số và dấu gạch ngang."))
        elif code in codes:
            reader.error((*path, "code"), _("Mã tiêu chuẩn «%(code)s» bị lặp.") % {"code": code})
        codes.add(code)
        spec.conditions.append(
            {
                "code": code,
                "applies_to": reader.choice(row, path, "applies_to", Recipient, default=Recipient.BOTH),
                "text": text,
            }
        )
    seen: set[str] = set()
    for index, item in enumerate(reader.sequence(root, (), "dossier_documents")):
        path = ("dossier_documents", index)
        row = reader.mapping(item, path, DOSSIER_KEYS)
        if row is None:
            continue
        code = reader.text(row, path, "code", required=True, max_length=40)
        if code in seen:
            reader.error((*path, "code"), _("Mã tài liệu «%(code)s» bị lặp.") % {"code": code})
        seen.add(code)
        spec.dossier_documents.append(
            {
                "code": code,
                "name": reader.text(row, path, "name", required=True, max_length=255),
                "applies_to": reader.choice(row, path, "applies_to", Recipient, default=Recipient.BOTH),
                "per_nominee": reader.boolean(row, path, "per_nominee", default=True),
                "from_council": reader.boolean(row, path, "from_council", default=False),
            }
        )


def _read_tasks(reader: _Reader, root: dict, spec: _Spec) -> None:
    items = reader.sequence(root, (), "tasks")
    codes: set[str] = set()
    for row in items:
        if isinstance(row, dict):
            if isinstance(row.get("lead_unit"), str):
                codes.add(row["lead_unit"])
            if isinstance(row.get("executing_units"), list):
                codes |= {code for code in row["executing_units"] if isinstance(code, str)}
    units = {unit.code: unit for unit in _units_of(spec.issuer).filter(code__in=codes)}
    for index, item in enumerate(items):
        path = ("tasks", index)
        row = reader.mapping(item, path, TASK_KEYS)
        if row is None:
            continue
        lead_code = reader.text(row, path, "lead_unit")
        if lead_code and lead_code not in units:
            reader.error((*path, "lead_unit"), outside_issuer(_("Đơn vị"), lead_code))
        executing = []
        for unit_index, code in enumerate(reader.sequence(row, path, "executing_units")):
            if code not in units:
                reader.error((*path, "executing_units", unit_index), outside_issuer(_("Đơn vị"), code))
            elif units[code] not in executing:
                executing.append(units[code])
        spec.tasks.append(
            {
                "code": reader.text(row, path, "code", max_length=20),
                "title": reader.text(row, path, "title", required=True),
                "lead_unit": units.get(lead_code) if lead_code else None,
                "executing_units": executing,
                "deadline": reader.date(row, path, "deadline"),
                "status": reader.choice(row, path, "status", PlanTask.Status, default=PlanTask.Status.NOT_STARTED),
                "progress": reader.text(row, path, "progress"),
                "progress_percent": reader.number(row, path, "progress_percent", default=0, maximum=100, integer=True),
            }
        )


# ---------------------------------------------------------------------------------------------------------------
# Writing the plan


@dataclass
class ImportResult:
    """The plan written by an import and whether it was new."""

    plan: Plan
    created: bool


def _apply(spec: _Spec, by: User | None) -> ImportResult:
    """Write the checked spec onto the plan with its key (created if new) through the plan-part services, which
    hold every guard (who may, scope, plan status, rows in use); the caller holds the transaction."""
    issuer = spec.issuer
    assert issuer is not None  # _read refuses a file whose issuer is unknown
    existing = Plan.objects.filter(key=spec.key).select_related("issuer").first()
    try:
        plan = parts.save_plan_header(
            plan=existing, header=parts.PlanHeader(key=spec.key, issuer=issuer, **spec.fields), by=by
        )
    except ValidationError as error:
        raise PlanFileError(list(error.messages)) from error

    errors: list[str] = []

    def step(service: Any, **kwargs: Any) -> Any:
        # Every part is tried, so the file's author sees every refusal at once; any refusal rolls all back.
        try:
            with transaction.atomic():
                return service(plan=plan, by=by, **kwargs)
        except ValidationError as error:
            errors.extend(error.messages)
            return None

    step(parts.replace_periods, rows=[parts.PeriodRow(**row) for row in spec.periods])
    step(parts.replace_groups, rows=[parts.GroupRow(**row) for row in spec.groups])
    step(
        parts.replace_participants,
        collectives=[parts.CollectiveRow(**row) for row in spec.collectives],
        individuals=[parts.IndividualRow(**row) for row in spec.individuals],
    )
    step(parts.replace_criteria, rows=[parts.CriterionRow(**row) for row in spec.criteria])
    kinds = step(parts.save_award_kinds, rows=[parts.AwardKindRow(**row) for row in spec.award_kinds]) or {}
    kinds |= AwardKind.objects.in_bulk(
        [q["award_kind"] for q in spec.quotas if q["award_kind"] not in kinds], field_name="code"
    )
    if all(row["award_kind"] in kinds for row in spec.quotas):  # else a kind was refused above, with its reason
        step(
            parts.replace_award_rules,
            quotas=[parts.QuotaRow(**{**row, "award_kind": kinds[row["award_kind"]]}) for row in spec.quotas],
            conditions=[parts.ConditionRow(**row) for row in spec.conditions],
            documents=[parts.DocumentRow(**row) for row in spec.dossier_documents],
        )
    step(parts.replace_tasks, rows=[parts.TaskRow(**row) for row in spec.tasks])

    if not errors:
        try:
            plan = parts.set_status_from_file(plan=plan, status=spec.status, by=by)
        except ValidationError as error:
            errors += error.messages
    if errors:
        raise PlanFileError(errors)
    return ImportResult(plan=plan, created=existing is None)


@transaction.atomic
def import_plan(*, text: str, by: User | None = None) -> ImportResult:
    """Import one plan file all or nothing: every error is reported at once and nothing is written."""
    try:
        check_yaml_text(text)  # size, binary, control characters, aliases, depth: refused before the parser runs
    except ValidationError as error:
        raise PlanFileError(list(error.messages)) from error
    data, lines = parse_text(text)
    indicator_catalogue.sync_indicators()
    award_catalogue.sync_award_kinds()
    return _apply(_read(data, lines, by), by)


# ---------------------------------------------------------------------------------------------------------------
# Export


class _Flow(dict):
    """A short mapping written on one line: {unit: NA-TAYHIEU-VP, group: bo-phan}."""


class _Dumper(yaml.SafeDumper):
    """Readable output: multi-line text as blocks, short rows on one line, never anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    value = str(value)  # choices (Plan.Kind …) are str subclasses; write their plain value
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_multi_representer(str, _represent_str)
_Dumper.add_representer(
    _Flow, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)
)


def _compact(mapping: dict) -> dict:
    """Leave out empty optional values so the file stays short."""
    return {key: value for key, value in mapping.items() if value not in (None, "", [], {})}


def _unit_of(collective: Participant) -> Unit:
    assert collective.unit is not None  # a collective has a unit (participant_kind_matches_subject)
    return collective.unit


def _person_of(individual: Participant) -> Person:
    assert individual.person is not None  # an individual has a person (participant_kind_matches_subject)
    return individual.person


def plan_to_dict(plan: Plan) -> dict:
    """The plan as the plain data of its file, in a fixed order that does not depend on database ids."""
    periods = list(plan.periods.order_by("order"))
    period_numbers: dict[int | None, int] = {period.pk: number for number, period in enumerate(periods, start=1)}
    groups = list(plan.groups.order_by("order", "code"))
    group_codes: dict[int | None, str] = {group.pk: group.code for group in groups}
    participants = list(plan.participants.select_related("unit", "person", "person__unit"))
    collectives = sorted(
        (p for p in participants if p.kind == Participant.Kind.COLLECTIVE), key=lambda p: (_unit_of(p).path, p.name)
    )
    individuals = sorted(
        (p for p in participants if p.kind == Participant.Kind.INDIVIDUAL),
        key=lambda p: (_person_of(p).unit.path, p.name, _person_of(p).code or ""),
    )
    quotas = sorted(
        plan.quota_rules.select_related("award_kind", "period", "group"),
        key=lambda q: (
            period_numbers.get(q.period_id, 0),
            q.group.order if q.group else 0,
            group_codes.get(q.group_id, ""),
            q.award_kind.code,
        ),
    )
    used_kinds = sorted(
        {q.award_kind for q in quotas if q.award_kind.code not in award_catalogue.CODES}, key=lambda kind: kind.code
    )

    def individual(p: Participant) -> dict:
        person = _person_of(p)
        row: dict[str, str | None]
        if person.code:
            row = {"person": person.code, "full_name": p.name}
        else:
            row = {"full_name": p.name, "unit": person.unit.code}
        row["position"] = p.position
        row["group"] = group_codes.get(p.group_id)
        return _Flow(_compact(row))

    return _compact(
        {
            "key": plan.key,
            "issuer": plan.issuer.code,
            "number": plan.number,
            "symbol": plan.symbol,
            "issued_on": plan.issued_on,
            "place": plan.place,
            "title": plan.title,
            "kind": plan.kind,
            "status": plan.status,
            "start": plan.start,
            "end": plan.end,
            "frequency": plan.frequency,
            "grace_days": plan.grace_days,
            "total_points": _plain(plan.total_points),
            "vote_threshold": _plain(plan.vote_threshold),
            "signer": _compact({"name": plan.signer_name, "title": plan.signer_title}),
            "legal_bases": list(plan.legal_bases),
            "purpose": plan.purpose,
            "requirements": plan.requirements,
            "recipients": list(plan.recipients),
            "source_note": plan.source_note,
            "periods": [
                _compact(
                    {
                        "name": period.name,
                        "start": period.start,
                        "end": period.end,
                        "review_kind": period.review_kind,
                        "dossier_deadline": period.dossier_deadline,
                        "status": period.status,
                    }
                )
                for period in periods
            ],
            "groups": [_Flow({"code": group.code, "name": group.name}) for group in groups],
            "participants": _compact(
                {
                    "collectives": [
                        _Flow(
                            _compact({"unit": _unit_of(p).code, "name": p.name, "group": group_codes.get(p.group_id)})
                        )
                        for p in collectives
                    ],
                    "individuals": [individual(p) for p in individuals],
                }
            ),
            "criteria": [
                _compact(
                    {
                        "code": c.code,
                        "name": c.name,
                        "indicator": c.indicator.code,
                        "applies_to": c.applies_to,
                        "comparison": c.comparison,
                        "target": _plain(c.target),
                        "worst": _plain(c.worst),
                        "max_points": _plain(c.max_points),
                        "rule": c.rule,
                        "bands": [
                            [_plain(threshold), _plain(points)]
                            for threshold, points in sorted(
                                ((Decimal(str(t)), Decimal(str(p))) for t, p in c.bands),
                                key=lambda band: band[0],
                                reverse=c.indicator.direction != Indicator.Direction.LOWER,
                            )
                        ],
                        "zero_denominator": c.zero_denominator
                        if c.zero_denominator != Criterion.ZeroDenominator.NOT_APPLICABLE
                        else None,
                        "note": c.note,
                    }
                )
                for c in plan.criteria.select_related("indicator").order_by("order", "code")
            ],
            "award_kinds": [
                _compact(
                    {
                        "code": kind.code,
                        "name": kind.name,
                        "certificate_title": kind.certificate_title,
                        "level": kind.level,
                        "recipients": kind.recipients,
                        "individual_coefficient": _plain(kind.individual_coefficient),
                        "collective_multiplier": _plain(kind.collective_multiplier),
                    }
                )
                for kind in used_kinds
            ],
            "quotas": [
                _compact(
                    {
                        "award_kind": q.award_kind.code,
                        "period": period_numbers.get(q.period_id),
                        "group": group_codes.get(q.group_id),
                        "max_collectives": q.max_collectives,
                        "max_individuals": q.max_individuals,
                        "individuals_per_collective": q.individuals_per_collective,
                        "min_ratio": _plain(q.min_ratio) or None,
                        "note": q.note,
                    }
                )
                for q in quotas
            ],
            "conditions": [
                _compact({"code": c.code, "applies_to": c.applies_to, "text": c.text})
                for c in plan.conditions.order_by("order", "pk")
            ],
            "dossier_documents": [
                _Flow(
                    _compact(
                        {
                            "code": d.code,
                            "name": d.name,
                            "applies_to": d.applies_to,
                            "per_nominee": None if d.per_nominee else False,
                            "from_council": True if d.from_council else None,
                        }
                    )
                )
                for d in plan.dossier_requirements.order_by("order", "code")
            ],
            "tasks": [
                _compact(
                    {
                        "code": t.code,
                        "title": t.title,
                        "lead_unit": t.lead_unit.code if t.lead_unit else None,
                        "executing_units": sorted((u.code for u in t.executing_units.all()), key=_unit_paths(t)),
                        "deadline": t.deadline,
                        "status": t.status,
                        "progress": t.progress,
                        "progress_percent": t.progress_percent or None,
                    }
                )
                for t in plan.tasks.select_related("lead_unit")
                .prefetch_related("executing_units")
                .order_by("order", "pk")
            ],
        }
    )


def _unit_paths(task: PlanTask) -> Any:
    paths = {unit.code: unit.path for unit in task.executing_units.all()}
    return lambda code: paths[code]


def dump(data: dict) -> str:
    """The YAML text of a plan's data, with the format note on top."""
    return FORMAT_NOTE + yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False
    )


def export_plan(*, plan: Plan) -> str:
    """The plan file of a plan: importing it elsewhere recreates the same plan."""
    return dump(plan_to_dict(plan))


# ---------------------------------------------------------------------------------------------------------------
# Copy to a new year


def _shift_year(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def copy_plan_to_year(*, plan: Plan, year: int, by: User | None) -> Plan:
    """A new draft of the same plan for `year`: dates shifted, numbering cleared, tasks not started, no readings."""
    PlanPolicy.create(by, plan.issuer).ensure()
    years = year - plan.start.year
    if years == 0:
        raise PlanFileError([_("Năm mới phải khác năm của kế hoạch gốc (%(year)s).") % {"year": plan.start.year}])
    data = plan_to_dict(plan)
    for name in ("start", "end"):
        data[name] = _shift_year(data[name], years)
    data.pop("issued_on", None)
    data.pop("number", None)
    data["status"] = Plan.Status.DRAFT
    old_year, new_year = str(plan.start.year), str(year)
    data["title"] = data["title"].replace(old_year, new_year)
    for period in data.get("periods", []):
        period["start"], period["end"] = _shift_year(period["start"], years), _shift_year(period["end"], years)
        period["dossier_deadline"] = _shift_year(period.get("dossier_deadline"), years)
        period["status"] = Period.Status.OPEN
    for task in data.get("tasks", []):
        task["deadline"] = _shift_year(task.get("deadline"), years)
        task["status"], task["progress"], task["progress_percent"] = PlanTask.Status.NOT_STARTED, "", 0
    base = re.sub(rf"-?{old_year}$", "", plan.key) or "ke-hoach"
    key, suffix = f"{base}-{new_year}"[:80], 2
    while Plan.objects.filter(key=key).exists():
        key, suffix = f"{base}-{new_year}-{suffix}"[:80], suffix + 1
    data["key"] = key
    return _apply(_read(data, {}), by).plan
