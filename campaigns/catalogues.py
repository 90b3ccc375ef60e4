"""Reference data that ships as Python lists of rows and is written into the database by its code."""

from __future__ import annotations

from django.db import models, transaction


@transaction.atomic
def upsert_by_code(model: type[models.Model], rows: list[dict]) -> int:
    """Create or update each row by its `code` (only the fields that differ); returns how many rows changed."""
    changed = 0
    existing = {obj.code: obj for obj in model.objects.filter(code__in=[row["code"] for row in rows])}
    for row in rows:
        obj = existing.get(row["code"])
        if obj is None:
            model.objects.create(**row)
            changed += 1
            continue
        fields = [field for field, value in row.items() if getattr(obj, field) != value]
        if fields:
            for field in fields:
                setattr(obj, field, row[field])
            obj.save(update_fields=fields)
            changed += 1
    return changed
