"""Load the demo: the seed localities' org tree, officials and logins, the catalogues and the five seed plans."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from awards.catalogue import sync_award_kinds
from awards.plan_io import PlanFileError, import_plan
from awards.reference import sync_reference
from campaigns.models import Membership
from campaigns.services import sync_org
from scoring.catalogue import sync_indicators

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
DEMO_PASSWORD = "thidua@2024"


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: đơn vị, cán bộ, tài khoản demo và năm kế hoạch mẫu. Chạy lại không tạo bản trùng."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Không in danh sách tài khoản demo.")

    def handle(self, *args, **options) -> None:
        data = yaml.safe_load((DEMO_DIR / "units.yaml").read_text(encoding="utf-8"))
        counts = sync_org(data=data, password=DEMO_PASSWORD)
        self.stdout.write(f"Đơn vị: {counts['units']}, cán bộ: {counts['people']}, tài khoản: {counts['users']}")
        sync_indicators()
        sync_award_kinds()
        sync_reference()  # legal texts and base salaries: decisions cannot be drafted without them
        for path in sorted((DEMO_DIR / "plans").glob("*.yaml")):
            try:
                result = import_plan(text=path.read_text(encoding="utf-8"))
            except PlanFileError as error:
                raise CommandError(f"Kế hoạch mẫu {path.name} lỗi:\n  - " + "\n  - ".join(error.errors)) from error
            self.stdout.write(f"Kế hoạch: {result.plan.title} ({'mới' if result.created else 'cập nhật'})")
        if not options["quiet_logins"]:
            self.print_logins(data)

    def print_logins(self, data: dict) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nTài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):"))
        roles = dict(Membership._meta.get_field("role").choices)
        for row in data["users"]:
            memberships = ", ".join(f"{roles[m['role']]} · {m['unit']}" for m in row.get("memberships", []))
            self.stdout.write(f"  {row['username']:<22} {memberships or 'quản trị toàn hệ thống (superuser)'}")
