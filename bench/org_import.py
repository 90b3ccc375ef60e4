"""Benchmark of issue 20's first load: a province's quản trị imports 100 communes × 30 officials and their logins
from one Excel workbook (parse and check, then write), then imports the same file again (nothing changes).

    .venv/bin/python -m bench.org_import                      # 100 communes × 30 officials, SQLite in var/bench
    .venv/bin/python -m bench.org_import --communes 3321 --officials 10 --database postgres://…/thidua_org_bench

Prints the figures; asserts no time (the target, under a minute, is read off the output). The database is its own
(a SQLite file by default, or a URL whose name contains "bench"), migrated first; the province "BN" is rebuilt.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Đào", "Giang", "Hà", "Hải", "Hòa", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phúc"]
POSITIONS = ["Công chức Văn phòng – Thống kê", "Công chức Tư pháp – Hộ tịch", "Kế toán", "Chuyên viên", "Phó Chủ tịch"]


def workbook(*, province: str = "BN", communes: int = 100, officials: int = 30, seed: int = 1) -> bytes:
    """The import workbook of a province: its communes, `officials` people each, one login each (nhập liệu on the
    commune; the first official of a commune is its lãnh đạo and quản trị). Same seed, same file."""
    import openpyxl

    from campaigns.org.excel import COLUMNS, SHEETS

    rng = random.Random(f"org:{seed}")
    book = openpyxl.Workbook(write_only=True)
    sheets = {kind: book.create_sheet(title) for kind, title in SHEETS.items()}
    for kind, sheet in sheets.items():
        sheet.append([header for _name, header, _required in COLUMNS[kind]])
    for number in range(1, communes + 1):
        code = f"{province}-X{number:04d}"
        name = f"Xã {rng.choice(GIVEN)} {rng.choice(GIVEN)} {number}"
        sheets["units"].append([code, name, name[3:], "Xã", province, "", None, None, ""])
        for index in range(1, officials + 1):
            person = f"{code}-{index:03d}"
            full_name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            sheets["people"].append([person, full_name, rng.choice(POSITIONS), code, "có"])
            username = f"cb{number:04d}{index:03d}"
            email = f"{username}@example.vn"
            sheets["accounts"].append([username, person, email, "Nhập liệu", code, "", ""])
            if index == 1:
                sheets["accounts"].append([username, person, email, "Lãnh đạo", code, "Chủ tịch", ""])
                sheets["accounts"].append([username, person, email, "Quản trị", code, "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _province_admin(province: str) -> Any:
    from django.contrib.auth import get_user_model

    from campaigns.models import Membership, OrgEvent, Person, Posting, Unit

    root = Unit.objects.filter(code=province).first()
    if root is not None:  # rebuild: the benchmark measures a first load
        units = Unit.objects.filter(path__startswith=root.path)
        people = Person.objects.filter(unit__in=units)
        users = get_user_model().objects.filter(person__in=people)
        OrgEvent.objects.filter(unit__in=units).delete()
        Posting.objects.filter(person__in=people).delete()
        Membership.objects.filter(unit__in=units).delete()
        users_ids = list(users.values_list("pk", flat=True))
        people.delete()
        get_user_model().objects.filter(pk__in=users_ids).delete()
        Unit.objects.filter(path__startswith=root.path).exclude(pk=root.pk).delete()
        Unit.objects.filter(pk=root.pk).update(numchild=0)
    else:
        root = Unit.objects.add_root(
            {"code": province, "name": "Tỉnh Bắc Nam", "short_name": "Bắc Nam", "kind": "tinh"}
        )
    admin, _created = get_user_model().objects.get_or_create(username=f"quantri-{province.lower()}")
    Membership.objects.get_or_create(user=admin, unit=root, role="quan_tri")
    return admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--officials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'org-import.sqlite3'}")
    args = parser.parse_args()
    if not args.database.startswith("sqlite") and "bench" not in args.database.rsplit("/", 1)[-1]:
        parser.error("the database name must contain 'bench' (it is emptied of the benchmark's province)")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    _setup(args.database)
    from campaigns.org.excel import import_org, parse_org

    admin = _province_admin("BN")
    began = time.perf_counter()
    content = workbook(communes=args.communes, officials=args.officials, seed=args.seed)
    generated = time.perf_counter() - began
    print(
        f"Tệp: {args.communes} xã × {args.officials} cán bộ = {args.communes * args.officials} cán bộ và tài khoản, "
        f"{len(content) / 1024:.0f} KB (tạo trong {generated:.1f} s)"
    )
    for attempt in ("lần đầu", "lần hai (không đổi)"):
        began = time.perf_counter()
        result = parse_org(user=admin, source=content)
        parsed = time.perf_counter() - began
        if result.errors:
            raise SystemExit("\n".join(str(error) for error in result.errors[:20]))
        import_org(user=admin, result=result)
        total = time.perf_counter() - began
        print(
            f"Nhập {attempt}: kiểm tra {parsed:.1f} s, ghi {total - parsed:.1f} s, tổng {total:.1f} s — "
            + ", ".join(f"{kind} {counts['new']} mới/{counts['changed']} đổi" for kind, counts in result.counts.items())
        )


if __name__ == "__main__":
    main()
