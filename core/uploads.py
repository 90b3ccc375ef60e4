"""Checks every upload passes before it is parsed: Excel workbooks, YAML plan files, and the names files are kept under.

The checks look at the bytes, never at the name the browser sent, and stay within bounded time and memory whatever
the file claims: a zip is inspected through its directory (declared sizes, which ``zipfile`` enforces while reading)
and a worksheet is scanned in chunks, never loaded. Each refusal is a ``ValidationError`` with a Vietnamese message
the import page shows as is.

Where they are called: ``check_xlsx`` before ``openpyxl.load_workbook`` in the readings import (scoring/excel.py);
``check_yaml`` before ``yaml`` parses a plan file (planning/plan_io.py); ``sanitise_filename`` for any name that is
shown or kept (files are stored under random names outside the static folders and served through scoped views).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
import unicodedata
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

import yaml
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from yaml._yaml import Mark as _CMark  # libyaml's mark (the C extension may be absent at run time)

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: encrypted .xlsx, legacy .xls, .doc

DEFAULTS = {
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,  # the file as sent
    "UPLOAD_MAX_UNCOMPRESSED_BYTES": 40 * 1024 * 1024,  # every member of the workbook's zip, expanded
    "UPLOAD_MAX_COMPRESSION_RATIO": 100,  # expanded ÷ compressed, for members above 1 MB expanded
    "UPLOAD_MAX_ZIP_ENTRIES": 500,
    # What openpyxl keeps in memory for the whole read: every distinct text of the workbook (1.5 M short strings,
    # 64 MB expanded, took 16.7 s and 350 MB). A 20,000-row template holds a few thousand.
    "UPLOAD_MAX_SHARED_STRINGS": 100_000,
    "UPLOAD_MAX_SHARED_STRINGS_BYTES": 16 * 1024 * 1024,
    "UPLOAD_MAX_CELLS_PER_SHEET": 400_000,  # 20,000 rows × 12 template columns is 240,000
    "IMPORT_MAX_ROWS": 20_000,
    "IMPORT_MAX_COLUMNS": 200,
    "YAML_MAX_BYTES": 1024 * 1024,
    "YAML_MAX_DEPTH": 20,
    "YAML_MAX_NODES": 50_000,
}
# Room for the rest of a multipart form around the file (boundaries, headers, the CSRF token, a few fields).
FORM_OVERHEAD_BYTES = 1024 * 1024
RATIO_FLOOR_BYTES = 1024 * 1024  # small members (styles, shared strings) legitimately compress very well
SCAN_CHUNK = 64 * 1024
ZIP_NAMES = re.compile(r"^[\w\-./\[\]]+$")
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*/>|<(?:\w+:)?c[\s>].*?</(?:\w+:)?c>", re.S)
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
CACHED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")
STRING_RESULT = re.compile(rb'^<(?:\w+:)?c\s[^>]*\bt="str"')  # Excel's cached empty text result is <v></v>
CELL_REF = re.compile(rb'\sr="([A-Z]{1,3}\d+)"')
CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")
SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")
SHARED_STRINGS_PART = "xl/sharedStrings.xml"
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def limit(name: str) -> int:
    """A limit from settings, falling back to the default above (tests and deployments may lower or raise it)."""
    return int(getattr(settings, name, DEFAULTS[name]))


def accepts_upload(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks a view that receives a file: its request body may be as large as the largest upload plus its form.
    Every other view takes at most DATA_UPLOAD_MAX_MEMORY_SIZE (config.middleware.RequestBodyLimitMiddleware)."""
    view.accepts_upload = True  # type: ignore[attr-defined]  # a mark on the function, read by the middleware
    return view


def request_body_limit(view: Callable[..., Any] | None) -> int:
    """The largest request body a view accepts, in bytes (the proxy's client_max_body_size matches the larger)."""
    if view is not None and getattr(view, "accepts_upload", False):
        return limit("UPLOAD_MAX_BYTES") + FORM_OVERHEAD_BYTES
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


STALE_UPLOAD_SECONDS = 60 * 60


def purge_stale_upload_files(max_age: int = STALE_UPLOAD_SECONDS) -> int:
    """Remove spooled uploads older than max_age from FILE_UPLOAD_TEMP_DIR: Django deletes each one when its
    request ends, so an old one was left by a process killed mid-request. Returns how many were removed."""
    folder = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not folder:
        return 0  # the system's temporary folder is shared: nothing there is known to be ours
    removed, cutoff = 0, time.time() - max_age
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            ours = entry.name.startswith("tmp") and ".upload" in entry.name  # Django's "tmpXXXX.upload.ext"
            if ours and entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.remove(entry.path)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def megabytes(size: int) -> str:
    return f"{size / 1048576:.1f}".replace(".", ",")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _read_bounded(file: IO[bytes] | bytes, cap: int, too_large: str) -> bytes:
    """The upload's bytes, refusing before reading more than cap + 1 of them."""
    if isinstance(file, bytes | bytearray):
        content = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > cap:
            raise ValidationError(too_large % {"size": megabytes(size), "limit": megabytes(cap)})
        if hasattr(file, "seek"):
            file.seek(0)
        content = file.read(cap + 1)
        if hasattr(file, "seek"):
            file.seek(0)
    if len(content) > cap:
        raise ValidationError(too_large % {"size": megabytes(len(content)), "limit": megabytes(cap)})
    if not content:
        raise ValidationError(_("Tệp rỗng, không có nội dung."))
    return content


def read_pdf(file: IO[bytes] | bytes) -> bytes:
    """A PDF upload's bytes, bounded by UPLOAD_MAX_BYTES and refused unless they start as a PDF does."""
    content = _read_bounded(
        file, limit("UPLOAD_MAX_BYTES"), _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp PDF tối đa %(limit)s MB.")
    )
    if not content.lstrip()[:5] == b"%PDF-":
        raise ValidationError(_("Tệp tải lên không phải là tệp PDF."))
    return content


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def check_xlsx(file: IO[bytes] | bytes) -> None:
    """Refuse, with a Vietnamese ValidationError, anything that is not a modest, unencrypted .xlsx workbook.

    In order: size; encrypted or legacy Office file (OLE2); not a zip; a broken zip; too many members, too much
    expanded data or a suspicious compression ratio (zip bomb); not a workbook; a sheet larger than the import takes
    (from its ``<dimension>`` and by counting rows and cells, in chunks); too many or too long shared strings;
    formulas without a computed value. Everything is read in chunks, never parsed whole.
    """
    content = _read_bounded(
        file, limit("UPLOAD_MAX_BYTES"), _("Tệp quá lớn (%(size)s MB); chỉ nhận tệp Excel tối đa %(limit)s MB.")
    )
    if content.startswith(OLE2_MAGIC):
        raise ValidationError(
            _(
                "Tệp được đặt mật khẩu hoặc lưu ở định dạng Excel cũ (.xls): hãy mở trong Excel, bỏ mật khẩu "
                "và lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)” rồi tải lên."
            )
        )
    if not content.startswith(ZIP_MAGIC):
        raise ValidationError(
            _(
                "Nội dung tệp không phải bảng tính Excel (.xlsx), dù tên tệp có thể ghi .xlsx. "
                "Hãy tải lên tệp mẫu đã điền số liệu."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise ValidationError(_("Tệp Excel bị hỏng hoặc không đọc được (tệp nén không hợp lệ).")) from None
    with archive:
        _check_members(members)
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ValidationError(
                _(
                    "Tệp nén này không phải bảng tính Excel (.xlsx): thiếu phần sổ làm việc. "
                    "Hãy tải lên tệp mẫu đã điền số liệu."
                )
            )
        for member in members:
            if member.filename == SHARED_STRINGS_PART:
                _check_shared_strings(archive, member)
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _check_sheet(archive, member)


def _check_shared_strings(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """The workbook's table of distinct texts, which openpyxl loads whole before any sheet: its expanded size
    (declared, and enforced by zipfile while reading) and its number of strings, counted in chunks."""
    cap, max_strings = limit("UPLOAD_MAX_SHARED_STRINGS_BYTES"), limit("UPLOAD_MAX_SHARED_STRINGS")
    if member.file_size > cap:
        raise ValidationError(
            _(
                "Tệp Excel có phần chuỗi văn bản quá lớn (%(size)s MB khi giải nén; tối đa %(limit)s MB). "
                "Hãy chỉ giữ trang số liệu theo mẫu."
            )
            % {"size": megabytes(member.file_size), "limit": megabytes(cap)}
        )
    count, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(SCAN_CHUNK):
                buffer = tail + chunk
                cut = max(len(buffer) - 8, 0)  # a tag split across chunks is counted in the next round
                count += len(SHARED_STRING.findall(buffer, 0, cut))
                tail = buffer[cut:]
                if count > max_strings:
                    raise ValidationError(
                        _(
                            "Tệp Excel chứa quá nhiều chuỗi văn bản khác nhau (hơn %(limit)s); tệp mẫu số liệu chỉ "
                            "có vài nghìn. Hãy dùng tệp mẫu tải về từ hệ thống."
                        )
                        % {"limit": _thousands(max_strings)}
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        raise ValidationError(_("Tệp Excel bị hỏng hoặc không đọc được (phần chuỗi văn bản).")) from None


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    """The zip's directory: count, names, encryption, declared sizes and compression ratios."""
    if len(members) > limit("UPLOAD_MAX_ZIP_ENTRIES"):
        raise ValidationError(
            _("Tệp Excel có quá nhiều thành phần (%(count)s); tệp có thể bị cố ý làm hỏng.")
            % {"count": _thousands(len(members))}
        )
    total = 0
    cap = limit("UPLOAD_MAX_UNCOMPRESSED_BYTES")
    ratio_cap = limit("UPLOAD_MAX_COMPRESSION_RATIO")
    for member in members:
        if member.flag_bits & 0x1:
            raise ValidationError(_("Tệp được đặt mật khẩu: hãy bỏ mật khẩu, lưu lại rồi tải lên."))
        if member.filename.startswith("/") or ".." in member.filename.split("/"):
            raise ValidationError(_("Tệp Excel chứa đường dẫn không hợp lệ; tệp có thể bị cố ý làm hỏng."))
        total += member.file_size
        if total > cap:
            raise ValidationError(
                _(
                    "Tệp Excel khi giải nén quá lớn (trên %(limit)s MB): tệp có thể là “bom nén” hoặc chứa quá nhiều "
                    "dữ liệu. Hãy chỉ giữ trang số liệu theo mẫu."
                )
                % {"limit": megabytes(cap)}
            )
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > ratio_cap * max(member.compress_size, 1):
            raise ValidationError(
                _("Tệp Excel có tỷ lệ nén bất thường (%(ratio)s lần): tệp có thể là “bom nén”, không được nhận.")
                % {"ratio": _thousands(member.file_size // max(member.compress_size, 1))}
            )


def _safe_cut(buffer: bytes) -> int:
    """Where the buffer may be cut without splitting a cell: after the last ``</c>``, ``</row>`` or ``<row …/>``."""
    cut = 0
    for closing in (b"</c>", b"</row>"):
        found = buffer.rfind(closing)
        if found >= 0:
            cut = max(cut, found + len(closing))
    last_row = buffer.rfind(b"<row")
    if last_row >= 0:
        end = buffer.find(b">", last_row)
        if end > 0 and buffer[end - 1 : end] == b"/":
            cut = max(cut, end + 1)
    return cut


def _check_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Scan one worksheet's XML in chunks: declared dimension, row count, formulas without cached values."""
    max_rows, max_columns = limit("IMPORT_MAX_ROWS"), limit("IMPORT_MAX_COLUMNS")
    too_many_rows = _(
        "Trang “%(sheet)s” có %(rows)s dòng; mỗi lần chỉ nhập tối đa %(limit)s dòng. Hãy xóa các dòng "
        "thừa (kể cả dòng trống đã định dạng) rồi tải lên lại."
    )
    max_cells = limit("UPLOAD_MAX_CELLS_PER_SHEET")
    sheet = member.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    rows = cells = 0
    seen_dimension = False
    buffer = b""
    try:
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(SCAN_CHUNK)
                buffer += chunk
                if not seen_dimension and (b"<sheetData" in buffer or not chunk):
                    seen_dimension = True
                    found = DIMENSION.search(buffer)
                    if found and found.group(4):
                        last_row, last_column = int(found.group(4)), _column_number(found.group(3))
                        if last_row > max_rows:
                            raise ValidationError(
                                too_many_rows
                                % {"sheet": sheet, "rows": _thousands(last_row), "limit": _thousands(max_rows)}
                            )
                        if last_column > max_columns:
                            raise ValidationError(
                                _("Trang “%(sheet)s” có %(columns)s cột; tối đa %(limit)s cột.")
                                % {"sheet": sheet, "columns": _thousands(last_column), "limit": max_columns}
                            )
                # Whole cells only: the tail after the last complete cell or row waits for the next chunk.
                cut = _safe_cut(buffer) if chunk else len(buffer)
                done, buffer = buffer[:cut], buffer[cut:]
                rows += _count_tags(done, b"row", ROW)
                if rows > max_rows:
                    raise ValidationError(
                        too_many_rows
                        % {
                            "sheet": sheet,
                            "rows": _("hơn %(count)s") % {"count": _thousands(max_rows)},
                            "limit": _thousands(max_rows),
                        }
                    )
                cells += _count_tags(done, b"c", CELL_START)
                if cells > max_cells:
                    raise ValidationError(
                        _(
                            "Trang “%(sheet)s” có hơn %(limit)s ô dữ liệu; mỗi lần chỉ nhập tối đa %(limit)s ô. "
                            "Hãy xóa các cột, dòng thừa rồi tải lên lại."
                        )
                        % {"sheet": sheet, "limit": _thousands(max_cells)}
                    )
                _check_formulas(done, sheet)
                if not chunk:
                    break
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        raise ValidationError(
            _("Tệp Excel bị hỏng hoặc không đọc được (trang “%(sheet)s”).") % {"sheet": sheet}
        ) from None


def _count_tags(xml: bytes, tag: bytes, pattern: re.Pattern[bytes]) -> int:
    """Opening tags in a piece of sheet XML: bytes.count (C speed, no match objects; a regex over a dense sheet
    took seconds) unless a namespace prefix is in use."""
    if b":" + tag in xml:
        return sum(1 for _ in pattern.finditer(xml))
    return sum(xml.count(b"<" + tag + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _check_formulas(xml: bytes, sheet: str) -> None:
    """A formula cell must carry the value Excel computed; openpyxl cannot compute it, so the import would read
    nothing (a file written by a script, or a sheet of formulas only)."""
    if b"<f" not in xml:
        return
    for cell in CELL.finditer(xml):
        body = cell.group(0)
        if not FORMULA.search(body) or CACHED_VALUE.search(body) or STRING_RESULT.search(body[:200]):
            continue
        ref = CELL_REF.search(body)
        raise ValidationError(
            _(
                "Ô %(cell)s của trang “%(sheet)s” chứa công thức chưa có giá trị đã tính. Hãy mở tệp trong Excel, "
                "lưu lại (hoặc dán đặc biệt dạng giá trị) rồi tải lên."
            )
            % {"cell": ref.group(1).decode() if ref else "?", "sheet": sheet}
        )


# libyaml when present (PyYAML's pure-Python parser takes ~1 s per 100,000 nodes); both parse events iteratively.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPENING = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSING = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


# No figure of a plan needs more than 30 characters; Python refuses to read an integer of over 4,300 digits.
YAML_MAX_NUMBER_CHARS = 30
NUMBER_LIKE = re.compile(r"^[-+]?(?:0[xob])?[0-9_.,:eE+-]+$")


class _YamlPolicyError(yaml.MarkedYAMLError):
    """A file that parses but breaks a rule of ours (aliases, depth, size): refused, never passed on."""

    def __init__(self, *, problem: str, problem_mark: yaml.error.Mark | _CMark | None) -> None:
        # types-PyYAML types the mark as the pure-Python Mark only; libyaml's events carry yaml._yaml.Mark, which has
        # the same name/line/column attributes (and the same str()).
        super().__init__(problem=problem, problem_mark=problem_mark)  # type: ignore[arg-type]  # see above


# What PyYAML's scanner, parser, composer and constructor (and libyaml's, which words them the same) say, in the
# words a clerk can act on. Matched against the start of the library's problem; anything not listed gets the
# general sentence, so an English parser message never reaches a page.
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("exceeded maximum nesting depth", "tệp lồng quá sâu"),
    ("found character", "có ký tự không được phép đứng đầu một giá trị (hãy đặt giá trị trong dấu nháy)"),
    ("mapping values are not allowed", "dấu “:” đặt sai chỗ (thiếu dấu cách sau “:” hoặc thụt lề sai)"),
    ("could not find expected ':'", "thiếu dấu “:” sau tên khóa"),
    ("did not find expected key", "thụt lề sai: không tìm thấy khóa ở vị trí này"),
    ("did not find expected ',' or ']'", "thiếu dấu “,” hoặc “]”"),
    ("expected ',' or ']'", "thiếu dấu “,” hoặc “]”"),
    ("did not find expected ',' or '}'", "thiếu dấu “,” hoặc “}”"),
    ("expected ',' or '}'", "thiếu dấu “,” hoặc “}”"),
    ("did not find expected '-' indicator", "thụt lề sai trong danh sách (các mục phải bắt đầu bằng “-” thẳng hàng)"),
    ("expected <block end>", "thụt lề sai"),
    ("invalid indentation or unclosed", "thụt lề sai hoặc thiếu dấu đóng “]” / “}”"),
    ("found unexpected end of stream", "tệp kết thúc khi một chuỗi hoặc ngoặc còn chưa đóng"),
    ("found unknown escape character", "chuỗi trong dấu nháy kép có ký tự thoát “\\” không hợp lệ"),
    ("found undefined tag handle", "có thẻ (tag “!”) không được phép"),
    ("could not determine a constructor for the tag", "có thẻ (tag “!!”) không được phép"),
    ("found non-specific tag", "có thẻ (tag “!”) không được phép"),
    ("expected a single document in the stream", "tệp chỉ được chứa một tài liệu (bỏ các dòng “---” thừa)"),
    ("but found another document", "tệp chỉ được chứa một tài liệu (bỏ các dòng “---” thừa)"),
    ("found unexpected document separator", "dòng “---” đặt sai chỗ"),
    ("found undefined alias", "không dùng tham chiếu (&, *) trong tệp kế hoạch"),
    ("found duplicate anchor", "không dùng tham chiếu (&, *) trong tệp kế hoạch"),
    ("found unhashable key", "tên khóa không được là danh sách hoặc bảng"),
    ("sequence entries are not allowed here", "dấu “-” của danh sách đặt sai chỗ (thụt lề sai)"),
    ("mapping keys are not allowed here", "khóa đặt sai chỗ (thụt lề sai)"),
    ("expected the node content", "thiếu giá trị ở vị trí này"),
    ("expected a comment or a line break", "có nội dung thừa sau giá trị trên cùng dòng"),
)


def _yaml_problem(error: yaml.YAMLError, text: str | None) -> str:
    """The Vietnamese words for what PyYAML or libyaml found (the library's English is never shown)."""
    if isinstance(error, _YamlPolicyError):
        return str(error.problem)
    mark = getattr(error, "problem_mark", None)
    if text is not None and mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return _("có ký tự Tab; hãy thụt lề bằng dấu cách")
    english = " ".join(
        str(part or "") for part in (getattr(error, "problem", None), getattr(error, "context", None))
    ).strip() or str(error)
    for start, vietnamese in _YAML_PROBLEMS:
        if start in english:
            return vietnamese
    return _("nội dung không đúng cú pháp")


def yaml_error_message(error: yaml.YAMLError | RecursionError, text: str | None = None) -> str:
    """One sentence for every YAML error, from any parser, with its line when the parser knows it:
    "Tệp kế hoạch viết sai quy cách ở dòng 3: thiếu dấu “:” sau tên khóa." (no format jargon for office staff)

    A RecursionError (the pure-Python composer on a deep nesting) is the depth refusal. ``text`` is the document,
    to name a Tab where libyaml only says "a character"."""
    if isinstance(error, RecursionError):
        return _("Tệp kế hoạch lồng quá sâu (quá %(depth)s cấp).") % {"depth": limit("YAML_MAX_DEPTH")}
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = _yaml_problem(error, text)
    if mark is None:
        return _("Tệp kế hoạch viết sai quy cách: %(problem)s.") % {"problem": problem}
    return _("Tệp kế hoạch viết sai quy cách ở dòng %(line)s: %(problem)s.") % {
        "line": mark.line + 1,
        "problem": problem,
    }


def _check_yaml_events(text: str) -> None:
    """Walk the parser's events (iterative, so a 200,000-deep nesting cannot overflow a stack, which libyaml's
    recursive composer does): refuse aliases (the "billion laughs"), too deep a nesting, too many nodes. The walk
    reads the whole document, so a syntax error is found here too (libyaml's own depth limit among them)."""
    depth = nodes = 0
    max_depth, max_nodes = limit("YAML_MAX_DEPTH"), limit("YAML_MAX_NODES")
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _YamlPolicyError(
                problem=_("không dùng tham chiếu (&, *) trong tệp kế hoạch"), problem_mark=event.start_mark
            )
        if isinstance(event, _OPENING):
            depth += 1
            if depth > max_depth:
                raise _YamlPolicyError(
                    problem=_("tệp lồng quá sâu (quá %(depth)s cấp)") % {"depth": max_depth},
                    problem_mark=event.start_mark,
                )
        elif isinstance(event, _CLOSING):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and event.implicit[0] and len(event.value) > YAML_MAX_NUMBER_CHARS:
            if NUMBER_LIKE.match(event.value):
                raise _YamlPolicyError(
                    problem=_("số quá dài (%(count)s ký tự; tối đa %(limit)s)")
                    % {"count": _thousands(len(event.value)), "limit": YAML_MAX_NUMBER_CHARS},
                    problem_mark=event.start_mark,
                )
        if isinstance(event, (*_OPENING, yaml.ScalarEvent)):
            nodes += 1
            if nodes > max_nodes:
                raise _YamlPolicyError(
                    problem=_("tệp có quá nhiều phần tử (quá %(count)s)") % {"count": _thousands(max_nodes)},
                    problem_mark=event.start_mark,
                )


def check_yaml_text(file: IO[bytes] | bytes | str) -> str:
    """What must be refused before any YAML parser runs: size, binary files renamed .yaml, encodings, control
    characters, anchors/aliases (billion laughs), depth, node count and syntax (the line and the Vietnamese
    reason, see yaml_error_message). Values are left to the caller; returns the text."""
    if isinstance(file, str):
        file = file.encode("utf-8")
    content = _read_bounded(
        file, limit("YAML_MAX_BYTES"), _("Tệp kế hoạch quá lớn (%(size)s MB); tối đa %(limit)s MB.")
    )
    if content.startswith((ZIP_MAGIC, OLE2_MAGIC, b"%PDF")) or b"\x00" in content[:8192]:
        raise ValidationError(
            _(
                "Nội dung tệp không phải văn bản YAML (có thể là tệp Excel, Word hoặc PDF đổi tên). "
                "Hãy tải lên tệp .yaml xuất từ hệ thống."
            )
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("Tệp kế hoạch không phải văn bản UTF-8 (lỗi ở byte thứ %(position)s). Hãy lưu tệp với bảng mã UTF-8.")
            % {"position": error.start + 1}
        ) from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text):
        raise ValidationError(_("Tệp kế hoạch chứa ký tự điều khiển không hợp lệ."))
    try:
        _check_yaml_events(text)
    except (yaml.YAMLError, RecursionError) as error:
        raise ValidationError(yaml_error_message(error, text)) from None
    return text


def check_yaml(file: IO[bytes] | bytes | str) -> str:
    """The text of a YAML plan file after checking it: check_yaml_text, then a safe parse with a mapping at the top.
    Returns the text for the caller's own parser."""
    text = check_yaml_text(file)
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)
    except (yaml.YAMLError, RecursionError) as error:
        raise ValidationError(yaml_error_message(error, text)) from None
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(_("Tệp kế hoạch có giá trị không hợp lệ (ví dụ ngày không tồn tại).")) from None
    if not isinstance(data, dict):
        raise ValidationError(_("Tệp kế hoạch phải là một bảng khóa: giá trị (mapping) ở cấp ngoài cùng."))
    return text


def sanitise_filename(name: str, *, default: str = "tep-tai-len", max_length: int = 120) -> str:
    """A name safe to show and to put in a Content-Disposition header: no folders, control, shell or quote
    characters, no Windows device names, NFC Vietnamese kept, at most ``max_length`` characters with its extension.

    "../../etc/passwd" → "passwd"; "C:\\\\x\\\\Báo cáo?.pdf" → "Báo cáo.pdf"; "" → "tep-tai-len".
    """
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = re.sub(r"[^\w\s\-–(),.+]", "", name, flags=re.UNICODE)
    name = re.sub(r"\s+", " ", name).strip(" .-")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = re.sub(r"[^A-Za-z0-9]", "", extension)[:10].lower()
    stem = stem.strip(" .-")
    if stem.split(".")[0].lower() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    if not stem:
        stem = default
    stem = stem[: max(1, max_length - len(extension) - 1)].rstrip(" .-") or default
    return f"{stem}.{extension}" if extension else stem


DOCUMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff_document_type(head: bytes) -> str | None:
    """The real type of a document from its bytes, never its name: "pdf", "jpg", "png", "docx", "xlsx" or None.

    PDF, JPEG and PNG are known by their first bytes; Word and Excel files are zips whose directory (at the end of
    the file) must name the document part, so pass the whole upload for those (callers bound it first).
    A renamed .exe, .html or legacy .doc/.xls answers None.
    """
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(head)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


# ---------------------------------------------------------------------------------------------------------------
# An upload waiting between its preview and its confirmation (readings import, org import): the file is kept in
# server-side storage under a random name; the page carries only a signed token naming it and the claims it is
# bound to (user, period…). Files nobody confirmed are removed once the token has expired.

PENDING_MAX_AGE = 2 * 60 * 60


def _purge_pending(folder: str, max_age: int) -> None:
    """Remove the uploads of `folder` nobody confirmed (older than the token's lifetime)."""
    try:
        _folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - dt.timedelta(seconds=max_age)
    for name in files:
        path_name = f"{folder}/{name}"
        try:
            if default_storage.get_modified_time(path_name) < limit:
                default_storage.delete(path_name)
        except (FileNotFoundError, NotImplementedError):
            continue


def keep_pending_upload(upload: IO[bytes], *, folder: str, salt: str, **claims: Any) -> str:
    """Store a previewed upload until it is confirmed; returns the signed token the preview page carries."""
    _purge_pending(folder, PENDING_MAX_AGE)
    upload.seek(0)
    stored = default_storage.save(f"{folder}/{uuid.uuid4().hex}.xlsx", upload)
    return signing.dumps({**claims, "file": stored}, salt=salt)


@contextmanager
def confirmed_upload(stored: str) -> Iterator[IO[bytes] | None]:
    """The kept file a confirmation (or the job it started) reads, open; removed from storage when the block ends,
    whatever happened in it (written, refused, crashed). None when it is gone (purged once expired, or used)."""
    try:
        if not default_storage.exists(stored):
            yield None
            return
        with default_storage.open(stored, "rb") as source:
            yield source
    finally:
        default_storage.delete(stored)


def pending_upload(token: str, *, folder: str, salt: str, **claims: Any) -> str | None:
    """The stored file a confirmation names, when its token is genuine, unexpired, bound to the same claims and
    the file still there; None otherwise (the caller asks for the upload again)."""
    try:
        payload = signing.loads(token, salt=salt, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    stored = str(payload.get("file", "")) if isinstance(payload, dict) else ""
    if (
        not stored.startswith(f"{folder}/")
        or any(payload.get(name) != value for name, value in claims.items())
        or not default_storage.exists(stored)
    ):
        return None
    return stored
