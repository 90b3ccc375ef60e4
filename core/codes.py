"""Stable codes made from Vietnamese names: plan parts, conditions and award kinds are found by them, never by place."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify


def code_from_name(name: str, taken: Iterable[str], max_length: int = 60) -> str:
    """A lowercase ASCII code made from a Vietnamese name ("Đúng hạn" → "dung-han"), unique among `taken`."""
    base = slugify(name.replace("đ", "d").replace("Đ", "D"))[:max_length].strip("-") or "muc"
    taken = set(taken)
    code, suffix = base, 2
    while code in taken:
        tail = f"-{suffix}"
        code, suffix = f"{base[: max_length - len(tail)].rstrip('-')}{tail}", suffix + 1
    return code
