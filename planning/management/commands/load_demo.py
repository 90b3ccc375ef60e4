"""Load the demo: the seed localities' org tree, officials and logins, the catalogues and the five seed plans."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from awards.catalogue import sync_award_kinds
from awards.demo_signing import register_demo_anchors
from awards.reference import sync_reference
from campaigns.models import Plan, Role, Unit
from campaigns.services import change_plan_status, sync_org
from core.jobs import start_job
from planning.plan_io import PlanFileError, copy_plan_to_year, import_plan
from planning.services.closing import close_job_kwargs, periods_due_for_close
from scoring.catalogue import sync_indicators
from scoring.demo import generate_demo_readings
from scoring.models import ReportProfile
from scoring.report_samples import NAMES as REPORT_NAMES
from scoring.report_samples import PROFILES

DEMO_DIR = Path(settings.BASE_DIR) / "demo"
DEMO_PASSWORD = "thidua@2024"
# The seed plans are history (2022–2024). The live campaign of the demo is Tây Hiếu's plan copied to this year,
# so office staff have an open month to enter and the first period has already closed by itself.
LIVE_SOURCE_KEY = "tay-hieu-2024-chuyen-doi-so"
LIVE_CHAIRMAN = "tayhieu.lanhdao"


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: đơn vị, cán bộ, tài khoản demo và năm kế hoạch mẫu. Chạy lại không tạo bản trùng."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Không in danh sách tài khoản demo.")
        parser.add_argument(
            "--plans-only",
            action="store_true",
            help="Chỉ nạp đơn vị, danh mục và kế hoạch: không sinh số liệu mẫu, không chốt đợt.",
        )

    def handle(self, *args, **options) -> None:
        data = yaml.safe_load((DEMO_DIR / "units.yaml").read_text(encoding="utf-8"))
        counts = sync_org(data=data, password=DEMO_PASSWORD)
        self.stdout.write(f"Đơn vị: {counts['units']}, cán bộ: {counts['people']}, tài khoản: {counts['users']}")
        sync_indicators()
        sync_award_kinds()
        sync_reference()  # legal texts and base salaries: decisions cannot be drafted without them
        if register_demo_anchors():  # the demo signs with its own test CA (marked as such in every report)
            self.stdout.write("Chữ ký số: đã thêm CA thử nghiệm của bản demo vào danh sách chứng thư tin cậy.")
        for path in sorted((DEMO_DIR / "plans").glob("*.yaml")):
            try:
                result = import_plan(text=path.read_text(encoding="utf-8"))
            except PlanFileError as error:
                raise CommandError(f"Kế hoạch mẫu {path.name} lỗi:\n  - " + "\n  - ".join(error.errors)) from error
            self.stdout.write(f"Kế hoạch: {result.plan.title} ({'mới' if result.created else 'cập nhật'})")
            if options["plans_only"]:
                continue
            # History: every window of every period is filled, so each closed period has its proposals.
            generate_demo_readings(plan=result.plan, until=result.plan.end, leave_last_empty=False)
        if not options["plans_only"]:
            self.load_activity()
        if not options["quiet_logins"]:
            self.print_logins(data)

    def load_activity(self) -> None:
        """This year's live campaign with its readings, then the closes beat would have made."""
        live = self.live_plan()
        added = generate_demo_readings(plan=live, until=timezone.localdate())
        self.stdout.write(f"Chiến dịch đang diễn ra: {live.title} (thêm {added} số liệu mẫu)")
        # The profiles of the two sample reports (scoring.report_samples): "Nhập từ báo cáo" works at once.
        for layout, mapping in PROFILES.items():
            ReportProfile.objects.get_or_create(
                issuer=live.issuer, name=REPORT_NAMES[layout], defaults={"mapping": mapping.as_json()}
            )
        # What beat does every night (planning.tasks.close_due_periods): periods past their end and grace
        # close by themselves, each as a tracked job; here they run now, so the demo opens with them closed.
        due = periods_due_for_close()
        for period in due:
            start_job(
                task="planning.tasks.close_period",
                kwargs=close_job_kwargs(period),
                label=f"Tự động chốt {period.name} — {period.plan.title}"[:255],
                unit=period.plan.issuer,
                immediately=True,
            )
        if due:
            self.stdout.write(f"Đã tự động chốt {len(due)} đợt thi đua đã hết hạn.")

    def live_plan(self) -> Plan:
        """This year's copy of the Tây Hiếu plan, made and activated by its chairman once."""
        year = timezone.localdate().year
        source = Plan.objects.get(key=LIVE_SOURCE_KEY)
        existing = Plan.objects.filter(issuer=source.issuer, start__year=year).exclude(pk=source.pk).first()
        if existing:
            return existing
        chairman = get_user_model().objects.get(username=LIVE_CHAIRMAN)
        with transaction.atomic():
            live = copy_plan_to_year(plan=source, year=year, by=chairman)
            return change_plan_status(plan=live, to=Plan.Status.ACTIVE, by=chairman)

    def print_logins(self, data: dict) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nTài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):"))
        roles = dict(Role.choices)  # Membership.role's choices
        ended = {unit.code: unit.valid_to for unit in Unit.objects.exclude(valid_to=None) if not unit.is_current()}
        for row in data["users"]:
            parts = []
            for m in row.get("memberships", []):
                part = f"{roles[m['role']]} · {m['unit']}"
                if m["unit"] in ended:
                    part += f" (đơn vị kết thúc {ended[m['unit']]:%d/%m/%Y}: chỉ xem các đợt đến ngày đó)"
                parts.append(part)
            memberships = ", ".join(parts)
            self.stdout.write(f"  {row['username']:<22} {memberships or 'quản trị toàn hệ thống (superuser)'}")
