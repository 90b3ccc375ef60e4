"""Reference data that ships as Python lists of rows and is written into the database by its code."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction


@transaction.atomic
def upsert_by_code(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Create or update each row by its `code` (only the fields that differ); returns how many rows changed.
    `model` has a `code` field and only its default manager (`objects`)."""
    changed = 0
    existing = {
        getattr(obj, "code"): obj for obj in model._default_manager.filter(code__in=[row["code"] for row in rows])
    }
    for row in rows:
        obj = existing.get(row["code"])
        if obj is None:
            model._default_manager.create(**row)
            changed += 1
            continue
        fields = [field for field, value in row.items() if getattr(obj, field) != value]
        if fields:
            for field in fields:
                setattr(obj, field, row[field])
            obj.save(update_fields=fields)
            changed += 1
    return changed
