"""Generators of hostile upload files, built in memory in well under a second each.

The zip bomb and the million-row sheet are written by hand (local headers, raw deflate, central directory): a
self-contained deflate block of 1 MB of zeros, emitted after a full flush, can be repeated any number of times, so a
2 GB member costs 2 MB of bytes and no compression time.
"""

from __future__ import annotations

import io
import os
import struct
import zlib

import openpyxl

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheets><sheet name="So lieu" sheetId="1"/></sheets></workbook>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    b'main">%s<sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


class _Member:
    def __init__(self, name: str, raw: bytes, size: int, crc: int, *, flags: int = 0, method: int = 8) -> None:
        self.name, self.raw, self.size, self.crc, self.flags, self.method = name.encode(), raw, size, crc, flags, method


def _zip(members: list[_Member]) -> bytes:
    """A zip archive (no zip64: every size below 4 GB) from already-compressed members."""
    out = io.BytesIO()
    central = io.BytesIO()
    for member in members:
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                member.flags,
                member.method,
                0,
                0x21,
                member.crc,
                len(member.raw),
                member.size,
                len(member.name),
                0,
            )
        )
        out.write(member.name)
        out.write(member.raw)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                member.flags,
                member.method,
                0,
                0x21,
                member.crc,
                len(member.raw),
                member.size,
                len(member.name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(member.name)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def _plain(name: str, data: bytes) -> _Member:
    return _Member(name, _deflate(data), len(data), zlib.crc32(data))


def workbook_parts(sheet_xml_member: _Member) -> bytes:
    return _zip([_plain("[Content_Types].xml", CONTENT_TYPES), _plain("xl/workbook.xml", WORKBOOK), sheet_xml_member])


def repeated(name: str, prefix: bytes, unit: bytes, times: int, suffix: bytes, *, crc: bool = True) -> _Member:
    """A member whose content is prefix + unit × times + suffix, deflated as repeatable blocks (the CRC is skipped
    on request: a bomb's checksum is never reached, and computing it over gigabytes takes seconds)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(unit) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    checksum = 0
    if crc:
        checksum = zlib.crc32(prefix)
        for _ in range(times):
            checksum = zlib.crc32(unit, checksum)
        checksum = zlib.crc32(suffix, checksum)
    return _Member(name, head + body * times + tail, len(prefix) + len(unit) * times + len(suffix), checksum)


def zip_bomb(gigabytes: int = 2) -> bytes:
    """A workbook-looking zip of ~2 MB whose sheet expands to `gigabytes` GB of zeros."""
    member = repeated("xl/worksheets/sheet1.xml", b"", b"\0" * (1 << 20), gigabytes * 1024, b"", crc=False)
    return workbook_parts(member)


def ratio_bomb(megabytes: int = 48) -> bytes:
    """Under the total expanded cap, but a ratio of about a thousand to one."""
    return workbook_parts(
        repeated("xl/worksheets/sheet1.xml", SHEET_HEAD % b"", b" " * (1 << 20), megabytes, SHEET_TAIL)
    )


def million_empty_rows(*, dimension: bool) -> bytes:
    """A sheet with 1,048,576 formatted empty rows (what Excel saves after formatting whole columns)."""
    head = SHEET_HEAD % (b'<dimension ref="A1:A1048576"/>' if dimension else b"")
    # Rows without their optional r="…" attribute, so the million can be written as one repeated block.
    row = b'<row s="1" customFormat="1"/>' * 1024
    return workbook_parts(repeated("xl/worksheets/sheet1.xml", head, row, 1024, SHEET_TAIL))


def lying_sizes() -> bytes:
    """A member that declares 1 KB but inflates to 50 MB (a bomb that lies in its directory)."""
    member = repeated("xl/worksheets/sheet1.xml", SHEET_HEAD % b"", b" " * (1 << 20), 50, SHEET_TAIL)
    member.size = 1024
    return workbook_parts(member)


def many_rows(rows: int = 25_000) -> bytes:
    """Real data, more rows than one import takes (no dimension element: the rows are counted)."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(1, rows + 1))
    return workbook_parts(_plain("xl/worksheets/sheet1.xml", SHEET_HEAD % b"" + body + SHEET_TAIL))


def far_cell() -> bytes:
    """A real openpyxl workbook whose last used cell is row 1,000,000."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Mã đối tượng"
    workbook.active.cell(row=1_000_000, column=1, value="x")
    return _save(workbook)


def formula_only() -> bytes:
    """Every figure a formula, as a script writes it: no value computed and cached."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tử số", "Mẫu số"])
    for row in range(2, 12):
        sheet.append([f"=ROW()*{row}", f"=A{row}*2"])
    return _save(workbook)


def good_workbook(rows: int = 20) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã đối tượng", "Chỉ số", "Tử số", "Mẫu số"])
    for row in range(rows):
        sheet.append([f"DT{row}", "ho-so-dung-han", row, row + 10])
    return _save(workbook)


def _save(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def encrypted_ole2() -> bytes:
    """What Excel writes for a password-protected .xlsx: a Compound File (magic D0 CF 11 E0 A1 B1 1A E1)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    return header.ljust(512, b"\0") + b"EncryptionInfo".ljust(512, b"\0") + b"EncryptedPackage".ljust(1024, b"\xaa")


def zip_encrypted_member() -> bytes:
    """A zip whose sheet has the 'encrypted' flag (traditional PKWARE encryption)."""
    sheet = _plain("xl/worksheets/sheet1.xml", SHEET_HEAD % b"" + SHEET_TAIL)
    sheet.flags = 0x1
    return workbook_parts(sheet)


def docx_as_xlsx() -> bytes:
    """A valid zip (a Word document), renamed .xlsx."""
    return _zip([_plain("[Content_Types].xml", CONTENT_TYPES), _plain("word/document.xml", b"<w:document/>")])


def path_traversal_zip() -> bytes:
    return _zip(
        [
            _plain("[Content_Types].xml", CONTENT_TYPES),
            _plain("xl/workbook.xml", WORKBOOK),
            _plain("../../evil.xml", b"x"),
        ]
    )


def too_many_members() -> bytes:
    return _zip(
        [_plain("[Content_Types].xml", CONTENT_TYPES), _plain("xl/workbook.xml", WORKBOOK)]
        + [_plain(f"xl/media/image{n}.png", b"x") for n in range(600)]
    )


SHARED_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    b' count="1" uniqueCount="1">'
)


def _quick(name: str, data: bytes) -> _Member:
    """Like _plain, at deflate level 1 (tens of megabytes in well under a second)."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
    return _Member(name, compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data))


def _with_shared_strings(strings_xml: bytes) -> bytes:
    sheet = SHEET_HEAD % b'<dimension ref="A1:A1"/>' + b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' + SHEET_TAIL
    return _zip(
        [
            _plain("[Content_Types].xml", CONTENT_TYPES),
            _plain("xl/workbook.xml", WORKBOOK),
            _quick("xl/sharedStrings.xml", strings_xml),
            _plain("xl/worksheets/sheet1.xml", sheet),
        ]
    )


def many_shared_strings(count: int = 1_500_000) -> bytes:
    """The red team's file: 1.5 M distinct shared strings (~4 MB sent; openpyxl took 16.7 s and 350 MB on it)."""
    body = b"".join(b"<si><t>%d</t></si>" % (7_000_000_000 + index * 7919) for index in range(count))
    return _with_shared_strings(SHARED_HEAD + body + b"</sst>")


def long_shared_strings(megabytes: int = 24) -> bytes:
    """Few shared strings, but megabytes of them (each string a different long text)."""
    text = "Nguyễn Văn Một, Bộ phận Một cửa, xã An Bình — ghi chú dài ".encode() * 8
    count = megabytes * 1024 * 1024 // (len(text) + 60)
    noise = os.urandom(count * 12).hex().encode()
    body = b"".join(b"<si><t>%s %s</t></si>" % (noise[index * 24 : index * 24 + 24], text) for index in range(count))
    return _with_shared_strings(SHARED_HEAD + body + b"</sst>")


def many_cells(rows: int = 20_000, columns: int = 30) -> bytes:
    """Rows and columns each under their caps, but 600,000 cells in one sheet."""
    letters = [chr(65 + index) if index < 26 else "A" + chr(65 + index - 26) for index in range(columns)]
    parts = [SHEET_HEAD % b""]
    for row in range(1, rows + 1):
        cells = b"".join(
            b'<c r="%s%d"><v>%d</v></c>' % (letter.encode(), row, row * 31 + i) for i, letter in enumerate(letters)
        )
        parts.append(b'<row r="%d">%s</row>' % (row, cells))
    parts.append(SHEET_TAIL)
    return workbook_parts(_quick("xl/worksheets/sheet1.xml", b"".join(parts)))
