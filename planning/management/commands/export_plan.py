"""manage.py export_plan KEY [-o FILE]: write a plan file (docs/plan-format.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Plan
from planning.plan_io import export_plan


class Command(BaseCommand):
    help = "Xuất kế hoạch thi đua ra tệp YAML (theo mã kế hoạch); không có -o thì in ra màn hình."

    def add_arguments(self, parser) -> None:
        parser.add_argument("key", nargs="?", help="Mã kế hoạch (key). Bỏ trống cùng --all để xuất tất cả.")
        parser.add_argument("-o", "--output", help="Tệp hoặc thư mục (với --all) để ghi.")
        parser.add_argument("--all", action="store_true", help="Xuất mọi kế hoạch, mỗi kế hoạch một tệp <key>.yaml.")

    def handle(self, *args, **options) -> None:
        if options["all"]:
            folder = Path(options["output"] or ".")
            folder.mkdir(parents=True, exist_ok=True)
            for plan in Plan.objects.select_related("issuer").order_by("key"):
                (folder / f"{plan.key}.yaml").write_text(export_plan(plan=plan), encoding="utf-8")
                self.stdout.write(f"{folder / (plan.key + '.yaml')}")
            return
        if not options["key"]:
            raise CommandError("Cần mã kế hoạch (key) hoặc --all.")
        chosen = Plan.objects.select_related("issuer").filter(key=options["key"]).first()
        if chosen is None:
            raise CommandError(f"Không có kế hoạch mã «{options['key']}».")
        text = export_plan(plan=chosen)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Đã ghi {options['output']}"))
        else:
            self.stdout.write(text, ending="")
