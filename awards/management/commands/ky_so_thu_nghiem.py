"""Sign a decision's PDF with the demo's test CA, as the signer's tool and then the văn thư's would (demo only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from awards.demo_signing import register_demo_anchors, sign_with_demo_ca
from awards.models import Decision
from awards.services.digital_signature import organisation_names


class Command(BaseCommand):
    help = (
        "Ký số thử nghiệm (không có giá trị pháp lý) bản PDF để ký của một quyết định bằng CA thử nghiệm của bản "
        "demo: chữ ký của người ký rồi của cơ quan. Tải tệp kết quả lên trang Ký số của quyết định."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="Bản PDF để ký đã tải về")
        parser.add_argument("output", help="Nơi ghi tệp đã ký số")
        parser.add_argument("--quyet-dinh", type=int, required=True, help="Mã (id) của quyết định")

    def handle(self, *args: Any, **options: Any) -> None:
        decision = Decision.objects.select_related("issuer").filter(pk=options["quyet_dinh"]).first()
        if decision is None or not decision.signer_name:
            raise CommandError("Không có quyết định đã phê duyệt với mã này.")
        source = Path(options["input"])
        if not source.is_file():
            raise CommandError(f"Không có tệp {source}.")
        register_demo_anchors()
        signed = sign_with_demo_ca(
            source.read_bytes(),
            signer_name=decision.signer_name,
            organisation_name=organisation_names(decision.issuer)[0],
        )
        Path(options["output"]).write_bytes(signed)
        self.stdout.write(self.style.SUCCESS(f"Đã ký số thử nghiệm: {options['output']}"))
