"""manage.py recompute_standings: recompute every open period (after an upgrade of the scoring rules);
with --period, --by and --reason: quản trị recomputes one closed period (planning.services.recompute)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Period
from planning.services.recompute import recompute_closed_period
from scoring.services.scores import is_frozen, recompute_period


class Command(BaseCommand):
    help = (
        "Tính lại điểm và xếp hạng (theo khối và loại đối tượng) của mọi đợt đang mở; với --period: quản trị tính lại "
        "một đợt đã chốt, ghi lịch sử các đối tượng thay đổi hạng hoặc điểm (quyết định đã ký giữ nguyên)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", type=int, help="Mã (id) đợt đã chốt cần tính lại.")
        parser.add_argument("--by", help="Tên đăng nhập của quản trị đơn vị ban hành (bắt buộc với --period).")
        parser.add_argument("--reason", default="", help="Lý do tính lại (bắt buộc với --period).")

    def handle(self, *args, **options) -> None:
        if options["period"] is None:
            periods = Period.objects.select_related("plan").exclude(status=Period.Status.CLOSED).order_by("pk")
            for period in periods:
                if is_frozen(period):
                    continue
                written = recompute_period(period=period)
                self.stdout.write(f"{period.plan.key} · {period.name}: {written} xếp hạng")
            return
        closed = Period.objects.filter(pk=options["period"]).first()
        user = get_user_model().objects.filter(username=options["by"] or "").first()
        if closed is None:
            raise CommandError(f"Không có đợt mã {options['period']}.")
        if user is None:
            raise CommandError("Cần --by: tên đăng nhập của quản trị đơn vị ban hành.")
        try:
            record = recompute_closed_period(period=closed, by=user, reason=options["reason"])
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        self.stdout.write(record.changes or "Không có đối tượng nào thay đổi hạng hoặc điểm.")
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại {closed.name}; lịch sử của đợt đã ghi lại."))
