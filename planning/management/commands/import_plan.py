"""manage.py import_plan FILE…: import plan files all or nothing (docs/plan-format.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planning.plan_io import PlanFileError, import_plan


class Command(BaseCommand):
    help = "Nhập kế hoạch thi đua từ tệp YAML. Nhập lại cùng tệp sẽ cập nhật, không tạo bản trùng."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", help="Đường dẫn tệp kế hoạch (.yaml)")

    def handle(self, *args, **options) -> None:
        for name in options["files"]:
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Không đọc được tệp {name}: {error}") from error
            try:
                result = import_plan(text=text)
            except PlanFileError as error:
                raise CommandError(
                    f"Tệp {name} không nhập được, dữ liệu không thay đổi:\n  - " + "\n  - ".join(error.errors)
                ) from error
            action = "Đã tạo" if result.created else "Đã cập nhật"
            self.stdout.write(self.style.SUCCESS(f"{action} kế hoạch {result.plan.key}: {result.plan.title}"))
