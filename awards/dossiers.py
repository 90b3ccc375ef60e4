"""Checking an uploaded dossier document: size, type by content (never by name), a safe name and its SHA-256.

Pure apart from reading the upload: no database, no storage.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES_DEFAULT = 10 * 1024 * 1024

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted upload: its bytes, detected type, a display name and a random storage name."""

    content: bytes
    extension: str
    content_type: str
    size: int
    sha256: str
    display_name: str
    storage_name: str


def max_bytes() -> int:
    """The upload limit (settings.UPLOAD_MAX_BYTES, 10 MB by default)."""
    return int(getattr(settings, "UPLOAD_MAX_BYTES", MAX_BYTES_DEFAULT))


def sniff(content: bytes) -> str | None:
    """The file's real type from its first bytes (and, for Office files, the zip's members), or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def safe_name(name: str, extension: str) -> str:
    """A display name without folders, control or shell characters, at most 120 characters, with the real
    extension: "../../Báo cáo thành tích?.exe" → "Báo cáo thành tích.pdf"."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")
    stem = re.sub(r"[^\w\s\-–(),.]", "", stem, flags=re.UNICODE)
    stem = re.sub(r"\s+", " ", stem).strip(" .-")[:110] or _("tai-lieu")
    return f"{stem}.{extension}"


def inspect_upload(upload: IO[bytes], name: str | None = None) -> CheckedUpload:
    """Read and check an upload; ValidationError (Vietnamese) when too large, empty or of a type not allowed."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_("Tệp quá lớn (%(size)s MB); tối đa %(limit)s MB.") % {
            "size": f"{size / 1048576:.1f}".replace(".", ","), "limit": limit // 1048576})
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("Tệp quá lớn; tối đa %(limit)s MB.") % {"limit": limit // 1048576})
    if not content:
        raise ValidationError(_("Tệp rỗng."))
    extension = sniff(content)
    if extension is None:
        raise ValidationError(_("Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG; "
                                "nội dung tệp này không thuộc các loại đó."))
    return CheckedUpload(
        content=content, extension=extension, content_type=TYPES[extension], size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        display_name=safe_name(name or getattr(upload, "name", "") or "", extension),
        storage_name=f"{uuid.uuid4().hex}.{extension}",
    )
