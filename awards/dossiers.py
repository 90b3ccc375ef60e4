"""Checking an uploaded dossier document: size, type by content (never by name), a safe name and its SHA-256.

Pure apart from reading the upload: no database, no storage.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.uploads import DOCUMENT_CONTENT_TYPES, sanitise_filename, sniff_document_type

MAX_BYTES_DEFAULT = 10 * 1024 * 1024

# One table of document types and one content sniffer for every upload (core.uploads).
TYPES = DOCUMENT_CONTENT_TYPES


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
    """The file's real type from its bytes (never its name), or None: core.uploads.sniff_document_type."""
    return sniff_document_type(content)


def safe_name(name: str, extension: str) -> str:
    """A display name without folders, control or shell characters, at most 120 characters, with the real
    extension: "../../Báo cáo thành tích?.exe" → "Báo cáo thành tích.pdf" (core.uploads.sanitise_filename)."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return sanitise_filename(f"{stem}.{extension}", default=_("tai-lieu"))


def inspect_upload(upload: IO[bytes], name: str | None = None) -> CheckedUpload:
    """Read and check an upload; ValidationError (Vietnamese) when too large, empty or of a type not allowed."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s MB); tối đa %(limit)s MB.")
            % {"size": f"{size / 1048576:.1f}".replace(".", ","), "limit": limit // 1048576}
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("Tệp quá lớn; tối đa %(limit)s MB.") % {"limit": limit // 1048576})
    if not content:
        raise ValidationError(_("Tệp rỗng."))
    extension = sniff(content)
    if extension is None:
        raise ValidationError(
            _(
                "Chỉ nhận tệp PDF, Word (.docx), Excel (.xlsx), ảnh JPEG hoặc PNG; "
                "nội dung tệp này không thuộc các loại đó."
            )
        )
    return CheckedUpload(
        content=content,
        extension=extension,
        content_type=TYPES[extension],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        display_name=safe_name(name or getattr(upload, "name", "") or "", extension),
        storage_name=f"{uuid.uuid4().hex}.{extension}",
    )
