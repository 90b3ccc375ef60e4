"""manage.py import_org FILE --as USERNAME: units, officials and accounts from the Excel workbook, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.org.excel import import_org, parse_org


class Command(BaseCommand):
    help = (
        "Nhập đơn vị, cán bộ và tài khoản (kèm vai trò) từ tệp Excel theo mẫu, với quyền của một quản trị. "
        "Tệp có lỗi thì không ghi gì; nhập lại cùng tệp không tạo bản trùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp Excel (.xlsx) theo mẫu")
        parser.add_argument("--as", dest="username", required=True, help="Tên đăng nhập của quản trị thực hiện")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"], is_active=True)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"Không có tài khoản đang hoạt động tên {options['username']}.") from error
        try:
            content = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {options['file']}: {error}") from error
        result = parse_org(user=user, source=content)
        if result.errors:
            raise CommandError(
                f"Tệp {options['file']} không nhập được, dữ liệu không thay đổi:\n  - "
                + "\n  - ".join(str(error) for error in result.errors)
            )
        labels = {"units": "đơn vị", "people": "cán bộ", "accounts": "tài khoản", "roles": "vai trò"}
        summary = "; ".join(
            f"{labels[kind]}: {counts['new']} mới, {counts['changed']} thay đổi, {counts['unchanged']} giữ nguyên"
            for kind, counts in result.counts.items()
        )
        if options["dry_run"]:
            self.stdout.write(f"Kiểm tra xong, chưa ghi. {summary}")
            return
        import_org(user=user, result=result)
        self.stdout.write(self.style.SUCCESS(f"Đã nhập. {summary}"))
