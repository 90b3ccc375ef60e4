"""Units, officials and accounts with roles in one Excel workbook: template, export, parse (check, nothing written)
and import (all or nothing, idempotent by code).

Three sheets, found by name, columns by their header (any order):

- «Đơn vị»: Mã đơn vị, Tên đầy đủ, Tên ngắn, Loại, Mã đơn vị cấp trên, Cơ quan Nội vụ, Hiệu lực từ, Hiệu lực đến,
  Mã đơn vị kế thừa. A unit is keyed by its code; its parent is a unit of the file or an existing unit of the
  importer's subtree (an empty parent keeps an existing unit where it is).
- «Cán bộ»: Mã cán bộ, Họ và tên, Chức vụ, Mã đơn vị, Đang công tác. Keyed by the official's code; a changed unit
  is a move from today (the history is kept).
- «Tài khoản»: Tên đăng nhập, Mã cán bộ, Thư điện tử, Vai trò, Mã đơn vị, Chức danh, Cấp phó. One row per role;
  a new account gets no password (its holder uses "Quên mật khẩu" or the quản trị gives a one-time password):
  hashing thousands of passwords would take minutes.

The rules are OrgPolicy's: every unit, official and role inside the importer's subtree, never to oneself. Each
refusal names its sheet, row and column (``RowError``); ``import_org`` writes nothing unless there is none.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import openpyxl
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Membership, OrgEvent, Person, Posting, Role, Unit
from campaigns.org import selectors, services
from campaigns.org.policies import OrgPolicy
from campaigns.services import upsert_unit
from campaigns.vietnamese import fold
from core import xlsx_cells
from core.uploads import check_xlsx

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SHEETS = {"units": "Đơn vị", "people": "Cán bộ", "accounts": "Tài khoản"}
COLUMNS: dict[str, list[tuple[str, str, bool]]] = {  # field, header, required
    "units": [
        ("code", "Mã đơn vị", True),
        ("name", "Tên đầy đủ", True),
        ("short_name", "Tên ngắn", False),
        ("kind", "Loại", True),
        ("parent", "Mã đơn vị cấp trên", False),
        ("is_home_affairs", "Cơ quan Nội vụ", False),
        ("valid_from", "Hiệu lực từ", False),
        ("valid_to", "Hiệu lực đến", False),
        ("successor", "Mã đơn vị kế thừa", False),
    ],
    "people": [
        ("code", "Mã cán bộ", True),
        ("full_name", "Họ và tên", True),
        ("position", "Chức vụ", False),
        ("unit", "Mã đơn vị", True),
        ("active", "Đang công tác", False),
    ],
    "accounts": [
        ("username", "Tên đăng nhập", True),
        ("person", "Mã cán bộ", False),
        ("email", "Thư điện tử", False),
        ("role", "Vai trò", True),
        ("unit", "Mã đơn vị", True),
        ("title", "Chức danh", False),
        ("is_deputy", "Cấp phó", False),
    ],
}
HEADER = {sheet: {name: header for name, header, _required in columns} for sheet, columns in COLUMNS.items()}
YES = {"co", "x", "1", "true", "yes", "dung"}
NO = {"", "khong", "0", "false", "no"}
KINDS = {fold(str(label)): value for value, label in Unit.Kind.choices} | {value: value for value in Unit.Kind.values}
ROLES = {fold(str(label)): value for value, label in Role.choices} | {value: value for value in Role.values}


class RowError(NamedTuple):
    """One refusal: where (sheet, row, column header) and why, in Vietnamese."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("Trang «%(sheet)s»") % {"sheet": self.sheet}
        if self.row:
            where += _(", dòng %(row)s") % {"row": self.row}
        if self.column:
            where += _(", cột «%(column)s»") % {"column": self.column}
        return f"{where}: {self.message}"


class UnitRow(NamedTuple):
    row: int
    code: str
    name: str
    short_name: str
    kind: str
    parent: str
    is_home_affairs: bool
    valid_from: dt.date | None
    valid_to: dt.date | None
    successor: str


class PersonRow(NamedTuple):
    row: int
    code: str
    full_name: str
    position: str
    unit: str
    active: bool


class AccountRow(NamedTuple):
    row: int
    username: str
    person: str
    email: str
    role: str
    unit: str
    title: str
    is_deputy: bool


@dataclass
class OrgImport:
    """What a workbook would change: its rows, the refusals, and per kind how many are new, changed or unchanged."""

    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    accounts: list[AccountRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            kind: {"new": 0, "changed": 0, "unchanged": 0} for kind in ("units", "people", "accounts", "roles")
        }
    )

    @property
    def has_changes(self) -> bool:
        return any(counts["new"] or counts["changed"] for counts in self.counts.values())


class OrgImportError(ValueError):
    """Raised by ``import_org`` when the checked workbook still has refusals (nothing was written)."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


# --- reading cells ----------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _flag(value: Any, default: bool) -> bool | None:
    if isinstance(value, bool):
        return value
    text = fold(_text(value))
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar day, not an instant)
        except ValueError:
            continue
    raise ValueError(text)


def _rows(sheet: Any, kind: str, result: OrgImport) -> Iterator[tuple[int, dict[str, Any]]]:
    """The sheet's non-empty rows as {field: raw value}, after checking its header row names every required column."""
    title = SHEETS[kind]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {fold(_text(value)): index for index, value in enumerate(header) if _text(value)}
    columns: dict[str, int] = {}
    missing = False
    for name, label, required in COLUMNS[kind]:
        if fold(label) in positions:
            columns[name] = positions[fold(label)]
        elif required:
            result.errors.append(RowError(title, 1, "", _("thiếu cột «%(column)s».") % {"column": label}))
            missing = True
    if missing:
        return
    for number, values in enumerate(rows, start=2):
        if not any(_text(value) for value in values):
            continue
        yield number, {name: values[index] if index < len(values) else None for name, index in columns.items()}


def read_workbook(source: IO[bytes] | bytes, result: OrgImport) -> None:
    """Fill the result's rows from the workbook (format only: required cells, kinds, roles, flags, dates)."""
    try:
        check_xlsx(source)
    except ValidationError as error:
        result.errors.append(RowError(_("Tệp"), 0, "", error.messages[0]))
        return
    content = source if isinstance(source, bytes) else source.read()
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file
        result.errors.append(RowError(_("Tệp"), 0, "", _("Không đọc được tệp Excel; hãy dùng tệp mẫu.")))
        return
    found = {fold(name): name for name in book.sheetnames}
    if not any(fold(title) in found for title in SHEETS.values()):
        result.errors.append(
            RowError(
                _("Tệp"),
                0,
                "",
                _("Không có trang nào tên «Đơn vị», «Cán bộ» hoặc «Tài khoản»; hãy dùng tệp mẫu."),
            )
        )
        return
    for kind, title in SHEETS.items():
        if fold(title) not in found:
            continue
        sheet = book[found[fold(title)]]
        for number, raw in _rows(sheet, kind, result):
            _read_row(kind, number, raw, result)
    book.close()


def _required(kind: str, number: int, raw: dict[str, Any], result: OrgImport) -> bool:
    ok = True
    for name, label, required in COLUMNS[kind]:
        if required and not _text(raw.get(name)):
            result.errors.append(RowError(SHEETS[kind], number, label, _("không được để trống.")))
            ok = False
    return ok


def _read_row(kind: str, number: int, raw: dict[str, Any], result: OrgImport) -> None:
    title, header = SHEETS[kind], HEADER[kind]
    if not _required(kind, number, raw, result):
        return

    def error(name: str, message: str) -> None:
        result.errors.append(RowError(title, number, header[name], message))

    if kind == "units":
        kind_value = KINDS.get(fold(_text(raw["kind"])))
        if kind_value is None:
            error("kind", _("loại đơn vị “%(value)s” không có; xem trang «Hướng dẫn».") % {"value": _text(raw["kind"])})
            return
        flag = _flag(raw.get("is_home_affairs"), False)
        if flag is None:
            error("is_home_affairs", _("ghi “có” hoặc để trống."))
            return
        try:
            valid_from, valid_to = _date(raw.get("valid_from")), _date(raw.get("valid_to"))
        except ValueError as bad:
            error("valid_from", _("ngày “%(value)s” không đúng dạng dd/mm/yyyy.") % {"value": bad})
            return
        if valid_from and valid_to and valid_to < valid_from:
            error("valid_to", _("ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."))
            return
        name = _text(raw["name"])
        result.units.append(
            UnitRow(
                number,
                _text(raw["code"]),
                name,
                _text(raw.get("short_name")) or name,
                kind_value,
                _text(raw.get("parent")),
                flag,
                valid_from,
                valid_to,
                _text(raw.get("successor")),
            )
        )
    elif kind == "people":
        active = _flag(raw.get("active"), True)
        if active is None:
            error("active", _("ghi “có” hoặc “không”."))
            return
        result.people.append(
            PersonRow(
                number,
                _text(raw["code"]),
                _text(raw["full_name"]),
                _text(raw.get("position")),
                _text(raw["unit"]),
                active,
            )
        )
    else:
        role = ROLES.get(fold(_text(raw["role"])))
        if role is None:
            error(
                "role",
                _("vai trò “%(value)s” không có: Nhập liệu, Lãnh đạo, Nội vụ hoặc Quản trị.")
                % {"value": _text(raw["role"])},
            )
            return
        username = _text(raw["username"])
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            error("username", _("tên đăng nhập chỉ gồm chữ, số và các dấu @ . + - _ (không khoảng trắng)."))
            return
        email = _text(raw.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                error("email", _("thư điện tử “%(value)s” không hợp lệ.") % {"value": email})
                return
        deputy = _flag(raw.get("is_deputy"), False)
        if deputy is None:
            error("is_deputy", _("ghi “có” hoặc để trống."))
            return
        result.accounts.append(
            AccountRow(
                number,
                username,
                _text(raw.get("person")),
                email,
                role,
                _text(raw["unit"]),
                _text(raw.get("title")),
                deputy,
            )
        )


# --- checking against the data and the policy ---------------------------------------------------------------------


class _Context:
    """The existing rows a workbook names, loaded once, and the importer's policy."""

    def __init__(self, user: User, result: OrgImport) -> None:
        self.user, self.policy = user, OrgPolicy(user)
        codes = {row.code for row in result.units} | {row.parent for row in result.units}
        codes |= {row.successor for row in result.units} | {row.unit for row in result.people}
        codes |= {row.unit for row in result.accounts}
        codes.discard("")
        self.units: dict[str, Unit] = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
        self.parents: dict[int, str] = {}
        for unit in self.units.values():
            if unit.depth > 1:
                parent_path = unit.path[: (unit.depth - 1) * Unit.steplen]
                self.parents[unit.pk] = parent_path
        parent_codes = dict(Unit.objects.filter(path__in=set(self.parents.values())).values_list("path", "code"))
        self.parent_code = {pk: parent_codes.get(path, "") for pk, path in self.parents.items()}
        successor_ids = {unit.successor_id for unit in self.units.values() if unit.successor_id}
        self.successor_code = dict(Unit.objects.filter(pk__in=successor_ids).values_list("pk", "code"))
        person_codes = {row.code for row in result.people} | {row.person for row in result.accounts}
        person_codes.discard("")
        self.people: dict[str, Person] = {
            person.code: person
            for person in Person.objects.filter(code__in=person_codes).select_related("unit", "user")
            if person.code
        }
        usernames = {row.username for row in result.accounts}
        self.accounts: dict[str, User] = {
            account.username: account for account in get_user_model().objects.filter(username__in=usernames)
        }
        self.visible_accounts = set(
            self.policy.visible_accounts()
            .filter(pk__in=[account.pk for account in self.accounts.values()])
            .values_list("pk", flat=True)
        )
        self.memberships = set(
            Membership.objects.filter(user__in=list(self.accounts.values())).values_list("user_id", "unit_id", "role")
        )
        self.file_units: dict[str, UnitRow] = {}

    def managed(self, code: str) -> bool:
        """A unit code of the file (whose place was checked) or of an existing unit the importer manages."""
        if code in self.file_units:
            existing = self.units.get(code)
            return existing is None or self.policy.manages_unit(existing)
        unit = self.units.get(code)
        return unit is not None and self.policy.manages_unit(unit)


def _check_units(context: _Context, result: OrgImport) -> None:
    title, header = SHEETS["units"], HEADER["units"]
    seen: dict[str, int] = {}
    for row in result.units:
        if row.code in seen:
            result.errors.append(
                RowError(
                    title,
                    row.row,
                    header["code"],
                    _("mã %(code)s trùng với dòng %(other)s.") % {"code": row.code, "other": seen[row.code]},
                )
            )
            continue
        seen[row.code] = row.row
        context.file_units[row.code] = row
    for row in result.units:
        if context.file_units.get(row.code) is not row:
            continue
        existing = context.units.get(row.code)
        outside = _("đơn vị %(code)s không thuộc phạm vi quản trị của bạn.")
        if existing is not None and not context.policy.manages_unit(existing):
            result.errors.append(RowError(title, row.row, header["code"], outside % {"code": row.code}))
            continue
        is_admin_root = existing is not None and existing.path in context.policy.admin_paths()
        if is_admin_root and existing is not None and row.parent == context.parent_code.get(existing.pk, ""):
            pass  # the quản trị's own unit, left where it is (its parent is above the subtree)
        elif row.parent:
            if row.parent == row.code:
                result.errors.append(
                    RowError(title, row.row, header["parent"], _("đơn vị không thể là cấp trên của chính nó."))
                )
                continue
            if not context.managed(row.parent):
                result.errors.append(RowError(title, row.row, header["parent"], outside % {"code": row.parent}))
                continue
            if _loops(context, row):
                result.errors.append(
                    RowError(title, row.row, header["parent"], _("quan hệ cấp trên tạo thành vòng lặp."))
                )
                continue
            if existing is not None and context.policy.admin_paths() and existing.path in context.policy.admin_paths():
                if context.parent_code.get(existing.pk, "") != row.parent:
                    result.errors.append(
                        RowError(
                            title,
                            row.row,
                            header["parent"],
                            _("không được chuyển đơn vị bạn đang làm quản trị sang nơi khác."),
                        )
                    )
                    continue
        elif existing is None and not context.policy.is_superuser:
            result.errors.append(
                RowError(title, row.row, header["parent"], _("đơn vị mới phải có mã đơn vị cấp trên."))
            )
            continue
        if row.successor:
            if row.successor == row.code or not context.managed(row.successor):
                result.errors.append(RowError(title, row.row, header["successor"], outside % {"code": row.successor}))
                continue
            current = context.successor_code.get(existing.successor_id) if existing and existing.successor_id else None
            if current and current != row.successor:
                result.errors.append(
                    RowError(
                        title,
                        row.row,
                        header["successor"],
                        _("đơn vị đã có đơn vị kế thừa %(current)s: một đơn vị chỉ có một đơn vị kế thừa.")
                        % {"current": current},
                    )
                )
                continue
        if existing is None:
            result.counts["units"]["new"] += 1
        elif _unit_changed(context, existing, row):
            result.counts["units"]["changed"] += 1
        else:
            result.counts["units"]["unchanged"] += 1


def _loops(context: _Context, row: UnitRow) -> bool:
    seen = {row.code}
    parent = row.parent
    while parent in context.file_units:
        if parent in seen:
            return True
        seen.add(parent)
        parent = context.file_units[parent].parent
    existing_parent = context.units.get(parent)
    existing_self = context.units.get(row.code)
    return bool(existing_parent and existing_self and existing_parent.path.startswith(existing_self.path))


def _unit_changed(context: _Context, unit: Unit, row: UnitRow) -> bool:
    successor = context.successor_code.get(unit.successor_id) if unit.successor_id else ""
    return (
        (unit.name, unit.short_name, unit.kind, unit.is_home_affairs, unit.valid_from, unit.valid_to)
        != (row.name, row.short_name, row.kind, row.is_home_affairs, row.valid_from, row.valid_to)
        or bool(row.parent and context.parent_code.get(unit.pk, "") != row.parent)
        or bool(row.successor and successor != row.successor)
    )


def _check_people(context: _Context, result: OrgImport) -> None:
    title, header = SHEETS["people"], HEADER["people"]
    seen: dict[str, PersonRow] = {}
    for row in result.people:
        if row.code in seen:
            other = seen[row.code]
            message = (
                _("cán bộ %(code)s đã ở dòng %(other)s với đơn vị %(unit)s: một người chỉ công tác ở một đơn vị.")
                if other.unit != row.unit
                else _("mã cán bộ %(code)s trùng với dòng %(other)s.")
            )
            result.errors.append(
                RowError(
                    title, row.row, header["code"], message % {"code": row.code, "other": other.row, "unit": other.unit}
                )
            )
            continue
        seen[row.code] = row
        existing = context.people.get(row.code)
        if existing is not None and not context.policy.manages_unit(existing.unit):
            result.errors.append(
                RowError(
                    title,
                    row.row,
                    header["code"],
                    _("mã cán bộ %(code)s không thuộc phạm vi quản trị của bạn.") % {"code": row.code},
                )
            )
            continue
        if not context.managed(row.unit):
            result.errors.append(
                RowError(
                    title,
                    row.row,
                    header["unit"],
                    _("đơn vị %(code)s không thuộc phạm vi quản trị của bạn.") % {"code": row.unit},
                )
            )
            continue
        if existing is None:
            result.counts["people"]["new"] += 1
        elif (existing.full_name, existing.position, existing.unit.code, existing.is_active) != (
            row.full_name,
            row.position,
            row.unit,
            row.active,
        ):
            result.counts["people"]["changed"] += 1
        else:
            result.counts["people"]["unchanged"] += 1


def _check_accounts(context: _Context, result: OrgImport) -> None:
    title, header = SHEETS["accounts"], HEADER["accounts"]
    file_people = {row.code for row in result.people}
    person_of: dict[str, tuple[str, int]] = {}
    user_of_person: dict[str, tuple[str, int]] = {}
    seen_roles: dict[tuple[str, str, str], int] = {}
    new_accounts: set[str] = set()
    for row in result.accounts:

        def refuse(name: str, message: str, row: AccountRow = row) -> None:
            result.errors.append(RowError(title, row.row, header[name], message))

        key = (row.username.lower(), row.unit, row.role)
        if key in seen_roles:
            refuse("role", _("vai trò này đã có ở dòng %(other)s.") % {"other": seen_roles[key]})
            continue
        seen_roles[key] = row.row
        if row.username == context.user.username:
            refuse("username", _("không ai được tự giao vai trò cho chính mình."))
            continue
        account = context.accounts.get(row.username)
        if account is not None and (
            account.pk not in context.visible_accounts or (account.is_superuser and not context.policy.is_superuser)
        ):
            refuse("username", _("tên đăng nhập %(name)s đã có người dùng.") % {"name": row.username})
            continue
        if not context.managed(row.unit):
            refuse(
                "unit",
                _("không được giao vai trò trên đơn vị %(code)s: ngoài phạm vi quản trị của bạn.") % {"code": row.unit},
            )
            continue
        if row.person:
            if row.person not in file_people and not (
                row.person in context.people and context.policy.manages_unit(context.people[row.person].unit)
            ):
                refuse(
                    "person", _("không có cán bộ mã %(code)s trong phạm vi quản trị của bạn.") % {"code": row.person}
                )
                continue
            earlier = person_of.get(row.username)
            if earlier and earlier[0] != row.person:
                refuse(
                    "person",
                    _("tài khoản này đã gắn với cán bộ %(code)s ở dòng %(other)s.")
                    % {"code": earlier[0], "other": earlier[1]},
                )
                continue
            holder = user_of_person.get(row.person)
            if holder and holder[0] != row.username:
                refuse(
                    "person",
                    _("cán bộ này đã có tài khoản %(name)s ở dòng %(other)s.")
                    % {"name": holder[0], "other": holder[1]},
                )
                continue
            existing_person = context.people.get(row.person)
            if existing_person and existing_person.user and existing_person.user.username != row.username:
                refuse("person", _("cán bộ %(code)s đã có tài khoản khác.") % {"code": row.person})
                continue
            person_of[row.username] = (row.person, row.row)
            user_of_person[row.person] = (row.username, row.row)
        if account is None:
            if row.username not in new_accounts:
                new_accounts.add(row.username)
                result.counts["accounts"]["new"] += 1
            result.counts["roles"]["new"] += 1
        else:
            unit = context.units.get(row.unit)
            if unit is not None and (account.pk, unit.pk, row.role) in context.memberships:
                result.counts["roles"]["unchanged"] += 1
            else:
                result.counts["roles"]["new"] += 1
            if row.username not in new_accounts:
                new_accounts.add(row.username)
                changed = bool(row.email and row.email != account.email)
                result.counts["accounts"]["changed" if changed else "unchanged"] += 1


def parse_org(*, user: User, source: IO[bytes] | bytes) -> OrgImport:
    """Read and check a workbook for this importer: what would change, or every refusal. Writes nothing."""
    result = OrgImport()
    read_workbook(source, result)
    if any(error.row == 0 for error in result.errors):
        return result
    if not OrgPolicy(user).may_administer():
        result.errors.append(RowError(_("Tệp"), 0, "", _("Chỉ quản trị được nhập cán bộ, tài khoản.")))
        return result
    context = _Context(user, result)
    _check_units(context, result)
    _check_people(context, result)
    _check_accounts(context, result)
    result.errors.sort(
        key=lambda error: (
            list(SHEETS.values()).index(error.sheet) if error.sheet in SHEETS.values() else -1,
            error.row,
        )
    )
    return result


# --- writing ----------------------------------------------------------------------------------------------------------


def _ordered(rows: list[UnitRow]) -> list[UnitRow]:
    """Parents before children."""
    by_code = {row.code: row for row in rows}
    done: set[str] = set()
    ordered: list[UnitRow] = []

    def visit(row: UnitRow) -> None:
        if row.code in done:
            return
        done.add(row.code)
        if row.parent in by_code:
            visit(by_code[row.parent])
        ordered.append(row)

    for row in rows:
        visit(row)
    return ordered


@transaction.atomic
def import_org(*, user: User, result: OrgImport) -> OrgImport:
    """Write a checked workbook in one transaction; OrgImportError (nothing written) if it has refusals."""
    if result.errors:
        raise OrgImportError(result.errors)
    today = timezone.localdate()
    policy = OrgPolicy(user)
    units: dict[str, Unit] = {}
    events: list[OrgEvent] = []
    for row in _ordered(result.units):
        existing = Unit.objects.filter(code=row.code).first()
        parent: Unit | None
        if row.parent:
            parent = units.get(row.parent) or Unit.objects.get(code=row.parent)
        else:
            parent = Unit.objects.get_parent(existing) if existing else None
        if existing is not None and not _changed_in_db(existing, row, parent):
            units[row.code] = existing
            continue
        units[row.code] = upsert_unit(
            code=row.code,
            parent=parent,
            name=row.name,
            short_name=row.short_name,
            kind=row.kind,
            is_home_affairs=row.is_home_affairs,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )
    for row in result.units:
        if row.successor:
            successor = units.get(row.successor) or Unit.objects.get(code=row.successor)
            Unit.objects.filter(code=row.code).exclude(successor=successor).update(successor=successor)

    def unit_of(code: str) -> Unit:
        if code not in units:
            units[code] = Unit.objects.get(code=code)
        return units[code]

    people = {
        person.code: person
        for person in Person.objects.filter(code__in=[row.code for row in result.people]).select_related("unit")
        if person.code
    }
    new_people: list[Person] = []
    for prow in result.people:
        person = people.get(prow.code)
        unit = unit_of(prow.unit)
        if person is None:
            person = Person(
                code=prow.code,
                full_name=prow.full_name,
                search_name=fold(prow.full_name),
                position=prow.position,
                unit=unit,
                is_active=prow.active,
                left_on=None if prow.active else today,
            )
            new_people.append(person)
            continue
        if person.unit_id != unit.pk and person.is_active:
            services.move_person(by=user, person=person, to=unit, on=today, position=prow.position)
            person.refresh_from_db()
        if (person.full_name, person.position) != (prow.full_name, prow.position):
            services.update_person(
                by=user, person=person, full_name=prow.full_name, position=prow.position, code=person.code
            )
        if person.is_active and not prow.active:
            services.mark_person_left(by=user, person=person, on=today, reason=_("theo tệp Excel"))
    Person.objects.bulk_create(new_people, batch_size=1000)
    created = {
        person.code: person for person in Person.objects.filter(code__in=[p.code for p in new_people]) if person.code
    }
    Posting.objects.bulk_create(
        [
            Posting(person=person, unit_id=person.unit_id, position=person.position)
            for person in created.values()
            if person.is_active
        ],
        batch_size=1000,
    )
    events += [
        OrgEvent(
            actor=user,
            action=OrgEvent.Action.PERSON_ADD,
            unit_id=person.unit_id,
            person=person,
            detail=person.full_name,
        )
        for person in created.values()
    ]
    people.update(created)
    _import_accounts(user=user, policy=policy, result=result, unit_of=unit_of, people=people, events=events)
    OrgEvent.objects.bulk_create(events, batch_size=1000)
    if result.has_changes:
        summary = _(
            "Đơn vị: %(u)s mới, %(uc)s sửa; cán bộ: %(p)s mới, %(pc)s sửa; tài khoản: %(a)s mới; vai trò: %(r)s mới."
        ) % {
            "u": result.counts["units"]["new"],
            "uc": result.counts["units"]["changed"],
            "p": result.counts["people"]["new"],
            "pc": result.counts["people"]["changed"],
            "a": result.counts["accounts"]["new"],
            "r": result.counts["roles"]["new"],
        }
        home = policy.admin_units().order_by("depth", "path").first()
        if home is not None:
            services.record(by=user, action=OrgEvent.Action.ORG_IMPORT, unit=home, detail=summary)
    return result


def _changed_in_db(unit: Unit, row: UnitRow, parent: Unit | None) -> bool:
    current_parent = Unit.objects.get_parent(unit)
    return (unit.name, unit.short_name, unit.kind, unit.is_home_affairs, unit.valid_from, unit.valid_to) != (
        row.name,
        row.short_name,
        row.kind,
        row.is_home_affairs,
        row.valid_from,
        row.valid_to,
    ) or (current_parent.pk if current_parent else None) != (parent.pk if parent else None)


def _import_accounts(
    *,
    user: User,
    policy: OrgPolicy,
    result: OrgImport,
    unit_of: Any,
    people: dict[str, Person],
    events: list[OrgEvent],
) -> None:
    User = get_user_model()
    usernames = {row.username for row in result.accounts}
    accounts = {account.username: account for account in User.objects.filter(username__in=usernames)}
    first_rows: dict[str, AccountRow] = {}
    for row in result.accounts:
        first_rows.setdefault(row.username, row)
    new_accounts = []
    for username, row in first_rows.items():
        if username in accounts:
            account = accounts[username]
            if row.email and row.email != account.email:
                account.email = row.email
                account.save(update_fields=["email"])
            continue
        person = people.get(row.person) if row.person else None
        account = User(username=username, email=row.email, first_name=person.full_name if person else "", last_name="")
        account.set_unusable_password()
        new_accounts.append(account)
    User.objects.bulk_create(new_accounts, batch_size=1000)
    accounts.update(
        {account.username: account for account in User.objects.filter(username__in=[a.username for a in new_accounts])}
    )
    linked = []
    for username, account in accounts.items():
        linked_row = next((r for r in result.accounts if r.username == username and r.person), None)
        if linked_row is None:
            continue
        person = people[linked_row.person]
        if person.user_id != account.pk:
            person.user = account
            linked.append(person)
    Person.objects.bulk_update(linked, ["user"], batch_size=1000)
    new_usernames = {account.username for account in new_accounts}
    for username in new_usernames:
        account = accounts[username]
        row = first_rows[username]
        unit = unit_of(row.unit)
        events.append(
            OrgEvent(actor=user, action=OrgEvent.Action.ACCOUNT_ADD, unit=unit, account=account, detail=username)
        )
    held = set(Membership.objects.filter(user__in=list(accounts.values())).values_list("user_id", "unit_id", "role"))
    memberships = []
    for row in result.accounts:
        account, unit = accounts[row.username], unit_of(row.unit)
        if (account.pk, unit.pk, row.role) in held:
            continue
        held.add((account.pk, unit.pk, row.role))
        memberships.append(Membership(user=account, unit=unit, role=row.role, title=row.title, is_deputy=row.is_deputy))
        events.append(
            OrgEvent(
                actor=user,
                action=OrgEvent.Action.ROLE_GRANT,
                unit=unit,
                account=account,
                detail=_("%(role)s tại %(unit)s") % {"role": Role(row.role).label, "unit": unit.name},
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=1000)


# --- template and export --------------------------------------------------------------------------------------------


def _guide(book: Any) -> None:
    sheet = book.create_sheet("Hướng dẫn")
    lines: list[Iterable[Any]] = [
        ["Nhập đơn vị, cán bộ và tài khoản từ Excel"],
        ["Mỗi trang một loại; dòng 1 là tiêu đề cột, giữ nguyên. Nhập lại cùng tệp không tạo bản trùng (theo mã)."],
        ["Tệp có lỗi thì không nhập dòng nào; hệ thống chỉ ra trang, dòng, cột và lý do."],
        [
            "Tài khoản mới chưa có mật khẩu: cán bộ dùng “Quên mật khẩu” (cần thư điện tử) "
            "hoặc quản trị cấp mật khẩu dùng một lần."
        ],
        [],
        ["Loại đơn vị", "Ghi"],
        *[[str(label), value] for value, label in Unit.Kind.choices],
        [],
        ["Vai trò", "Ghi"],
        *[[str(label), value] for value, label in Role.choices],
    ]
    for line in lines:
        sheet.append(xlsx_cells.row(sheet, line))


def _workbook(user: User, filled: bool) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    policy = OrgPolicy(user)
    sheets = {kind: book.create_sheet(title) for kind, title in SHEETS.items()}
    for kind, sheet in sheets.items():
        sheet.append([header for _name, header, _required in COLUMNS[kind]])
    if filled:
        units = list(policy.admin_units().select_related("successor"))
        paths = {unit.path[: (unit.depth - 1) * Unit.steplen] for unit in units if unit.depth > 1}
        codes = dict(Unit.objects.filter(path__in=paths).values_list("path", "code"))
        for unit in units:
            parent = codes.get(unit.path[: (unit.depth - 1) * Unit.steplen], "") if unit.depth > 1 else ""
            sheets["units"].append(
                xlsx_cells.row(
                    sheets["units"],
                    [
                        unit.code,
                        unit.name,
                        unit.short_name,
                        str(unit.get_kind_display()),
                        parent,
                        "có" if unit.is_home_affairs else "",
                        unit.valid_from,
                        unit.valid_to,
                        unit.successor.code if unit.successor else "",
                    ],
                )
            )
        people = Person.objects.filter(unit__in=policy.admin_units(), code__isnull=False).select_related("unit", "user")
        for person in selectors.in_vietnamese_order(people):
            sheets["people"].append(
                xlsx_cells.row(
                    sheets["people"],
                    [
                        person.code,
                        person.full_name,
                        person.position,
                        person.unit.code,
                        "có" if person.is_active else "không",
                    ],
                )
            )
        holders = {
            person.user_id: person.code for person in Person.objects.filter(user__isnull=False, code__isnull=False)
        }
        memberships = (
            Membership.objects.filter(unit__in=policy.admin_units())
            .exclude(user=user)
            .select_related("user", "unit")
            .order_by("user__username", "unit__path", "role")
        )
        for membership in memberships:
            sheets["accounts"].append(
                xlsx_cells.row(
                    sheets["accounts"],
                    [
                        membership.user.username,
                        holders.get(membership.user_id, ""),
                        membership.user.email,
                        str(membership.get_role_display()),
                        membership.unit.code,
                        membership.title,
                        "có" if membership.is_deputy else "",
                    ],
                )
            )
    _guide(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_org(*, user: User) -> bytes:
    """The empty workbook to fill (headers and a guide sheet)."""
    return _workbook(user, filled=False)


def export_org(*, user: User) -> bytes:
    """The units, officials and roles of the user's subtree in the import's format (reads back unchanged)."""
    return _workbook(user, filled=True)


def grouped_errors(errors: list[RowError]) -> dict[str, list[RowError]]:
    grouped: dict[str, list[RowError]] = defaultdict(list)
    for error in errors:
        grouped[error.sheet].append(error)
    return dict(grouped)
