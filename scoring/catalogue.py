"""The indicator catalogue as data: the seed plans' indicators and those of Quyết định 766/QĐ-TTg (DOMAIN.md §3–4).

Plans reference indicators by code; `sync_indicators()` writes the catalogue into the database and can run any
number of times (demo load, every plan import) without creating duplicates.
"""

from __future__ import annotations

from campaigns.catalogues import upsert_by_code
from scoring.models import Indicator

QD766 = "Quyết định 766/QĐ-TTg ngày 23/06/2022"
RATE, COUNT, BOOLEAN = Indicator.Kind.RATE, Indicator.Kind.COUNT, Indicator.Kind.BOOLEAN
HIGHER, LOWER = Indicator.Direction.HIGHER, Indicator.Direction.LOWER
SUM, LAST = Indicator.Accumulation.SUM, Indicator.Accumulation.LAST


def _rate(
    code: str,
    name: str,
    numerator: str,
    denominator: str,
    source: str,
    *,
    direction: str = HIGHER,
    accumulation: str = SUM,
    description: str = "",
) -> dict:
    return {
        "code": code,
        "name": name,
        "kind": RATE,
        "direction": direction,
        "accumulation": accumulation,
        "numerator_label": numerator,
        "denominator_label": denominator,
        "unit_label": "%",
        "source": source,
        "description": description,
    }


def _yes_no(code: str, name: str, source: str, description: str = "") -> dict:
    return {
        "code": code,
        "name": name,
        "kind": BOOLEAN,
        "direction": HIGHER,
        "accumulation": LAST,
        "numerator_label": "",
        "denominator_label": "",
        "unit_label": "",
        "source": source,
        "description": description,
    }


def _count(code: str, name: str, unit_label: str, source: str, description: str = "") -> dict:
    return {
        "code": code,
        "name": name,
        "kind": COUNT,
        "direction": HIGHER,
        "accumulation": SUM,
        "numerator_label": "",
        "denominator_label": "",
        "unit_label": unit_label,
        "source": source,
        "description": description,
    }


# Quyết định 766/QĐ-TTg: the public-service index the portal publishes monthly per unit (DOMAIN.md §3).
# A state (how many procedures are offered online) is read from the last window; flows are pooled over windows.
INDICATORS_766: list[dict] = [
    _rate(
        "766-dung-han",
        "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn",
        "Số hồ sơ giải quyết trước hạn, đúng hạn",
        "Số hồ sơ đã giải quyết trong kỳ",
        QD766,
        description="Cổng DVCQG chấm 20 × tỷ lệ.",
    ),
    _rate(
        "766-qua-han",
        "Tỷ lệ hồ sơ quá hạn",
        "Số hồ sơ giải quyết quá hạn",
        "Số hồ sơ đã giải quyết trong kỳ",
        QD766,
        direction=LOWER,
        description="Càng thấp càng tốt (các kế hoạch: “hồ sơ quá hạn thấp”).",
    ),
    _rate(
        "766-tthc-truc-tuyen",
        "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến",
        "Số TTHC có dịch vụ công trực tuyến",
        "Số TTHC thuộc thẩm quyền của đơn vị",
        QD766,
        accumulation=LAST,
        description="Đạt điểm tối đa khi từ 80% trở lên, dưới mức đó tính tỷ lệ.",
    ),
    _rate(
        "766-nop-truc-tuyen",
        "Tỷ lệ hồ sơ nộp trực tuyến",
        "Số hồ sơ tiếp nhận trực tuyến",
        "Tổng số hồ sơ tiếp nhận",
        QD766,
        description="Đạt điểm tối đa khi từ 50% trở lên, dưới mức đó tính tỷ lệ.",
    ),
    _rate(
        "766-toan-trinh",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "Số hồ sơ trực tuyến toàn trình",
        "Tổng số hồ sơ tiếp nhận",
        QD766,
    ),
    _rate(
        "766-thanh-toan-truc-tuyen",
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "Số hồ sơ thanh toán trực tuyến",
        "Số hồ sơ có phí, lệ phí",
        QD766,
        description="Nhóm Thanh toán trực tuyến (10 điểm) từ năm 2026.",
    ),
    _rate(
        "766-so-hoa-thanh-phan",
        "Tỷ lệ số hóa thành phần hồ sơ khi tiếp nhận",
        "Số hồ sơ được số hóa đầy đủ thành phần khi tiếp nhận",
        "Tổng số hồ sơ tiếp nhận",
        QD766,
    ),
    _rate(
        "766-so-hoa-ket-qua",
        "Tỷ lệ số hóa kết quả giải quyết TTHC",
        "Số kết quả giải quyết được số hóa",
        "Số kết quả giải quyết đã cấp",
        QD766,
    ),
    _rate(
        "766-tai-su-dung",
        "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa",
        "Số hồ sơ sử dụng lại dữ liệu số hóa",
        "Tổng số hồ sơ tiếp nhận",
        QD766,
        description="Cổng DVCQG chấm 2 × tỷ lệ / 80%, tối đa 2 điểm.",
    ),
    _rate(
        "766-phan-anh-kien-nghi",
        "Tiến độ xử lý phản ánh, kiến nghị",
        "Số phản ánh, kiến nghị xử lý đúng hạn",
        "Số phản ánh, kiến nghị tiếp nhận",
        QD766,
        description="Cổng DVCQG chấm 6 × tỷ lệ; được 6 điểm khi không có phản ánh, kiến nghị (mẫu số bằng 0).",
    ),
    _rate(
        "766-hai-long",
        "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
        "Số hồ sơ không quá hạn và không bị phản ánh",
        "Tổng số hồ sơ đã giải quyết",
        QD766,
        description="100% − (tỷ lệ quá hạn + tỷ lệ phản ánh); đạt điểm tối đa khi từ 90% trở lên.",
    ),
    _rate(
        "766-cong-khai",
        "Tỷ lệ TTHC công khai đầy đủ, đúng quy định",
        "Số TTHC công khai đầy đủ, đúng quy định",
        "Số TTHC thuộc thẩm quyền của đơn vị",
        QD766,
        accumulation=LAST,
        description="Nhóm Công khai, minh bạch (18 điểm).",
    ),
]

SEEDS = "Các kế hoạch mẫu (Tây Hiếu, Hoàng Việt, Đức Phổ, Bảo Cường, Ninh Thuận)"
PAR = "Chỉ số cải cách hành chính cấp xã (PAR Index)"

# Indicators the five seed plans read that Quyết định 766 does not define.
INDICATORS_SEEDS: list[dict] = [
    _rate(
        "van-ban-di-ky-so",
        "Tỷ lệ văn bản đi được ký số",
        "Số văn bản đi được ký số",
        "Số văn bản đi (trừ tài liệu mật)",
        SEEDS,
    ),
    _rate(
        "van-ban-den-dung-han",
        "Tỷ lệ văn bản đến được xử lý đúng và trước hạn",
        "Số văn bản đến xử lý đúng và trước hạn",
        "Số văn bản đến phải xử lý",
        SEEDS,
    ),
    _rate(
        "van-ban-di-dien-tu",
        "Tỷ lệ văn bản đi gửi hoàn toàn dưới dạng điện tử",
        "Số văn bản đi gửi hoàn toàn điện tử, không kèm bản giấy",
        "Số văn bản đi (trừ văn bản mật)",
        SEEDS,
    ),
    _rate(
        "van-ban-dung-quy-trinh",
        "Tỷ lệ văn bản, nhiệm vụ xử lý đúng quy trình trên hệ thống quản lý văn bản",
        "Số văn bản, nhiệm vụ xử lý đúng quy trình",
        "Số văn bản, nhiệm vụ được giao",
        SEEDS,
    ),
    _rate(
        "ho-so-nhap-he-thong",
        "Tỷ lệ hồ sơ TTHC được nhập vào hệ thống thông tin giải quyết TTHC",
        "Số hồ sơ nhập vào hệ thống",
        "Số hồ sơ TTHC tiếp nhận",
        SEEDS,
    ),
    _rate(
        "ho-so-xu-ly-truc-tuyen",
        "Tỷ lệ hồ sơ TTHC xử lý trực tuyến",
        "Số hồ sơ xử lý trực tuyến",
        "Tổng số hồ sơ TTHC",
        SEEDS,
    ),
    _rate(
        "bao-cao-truc-tuyen",
        "Tỷ lệ báo cáo thực hiện trực tuyến",
        "Số báo cáo thực hiện trực tuyến",
        "Tổng số báo cáo",
        SEEDS,
    ),
    _rate(
        "buu-chinh-cong-ich",
        "Tỷ lệ hồ sơ tiếp nhận, trả kết quả qua dịch vụ bưu chính công ích",
        "Số hồ sơ tiếp nhận hoặc trả kết quả qua bưu chính công ích",
        "Tổng số hồ sơ tiếp nhận",
        SEEDS,
    ),
    _rate(
        "xin-loi-truoc-han",
        "Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi gửi trước hạn ít nhất 01 ngày",
        "Số hồ sơ quá hạn đã gửi văn bản xin lỗi (có thời hạn giải quyết mới) trước thời điểm hết hạn ít nhất 01 ngày",
        "Số hồ sơ quá hạn",
        SEEDS,
        description="Kế hoạch cao điểm 30 ngày đêm của thị xã Đức Phổ (2023), mục II.4.",
    ),
    _count("ho-so-truc-tuyen-phat-sinh", "Số hồ sơ trực tuyến phát sinh trên Cổng dịch vụ công", "hồ sơ", SEEDS),
    _yes_no("su-dung-ioffice", "Sử dụng hiệu quả hệ thống quản lý văn bản và điều hành", SEEDS),
    _yes_no("ra-soat-don-gian-hoa-tthc", "Rà soát, kiến nghị phương án đơn giản hóa TTHC", SEEDS),
    _yes_no("cong-khai-tthc-day-du", "Công khai đầy đủ, kịp thời các bộ phận cấu thành của TTHC", SEEDS),
    _yes_no("sang-kien-cchc", "Có sáng kiến, giải pháp mới trong CCHC được công nhận", SEEDS),
    _yes_no("tuyen-truyen-hinh-thuc-khac", "Tuyên truyền bằng hình thức khác ngoài kênh truyền thống", SEEDS),
    _yes_no("ngay-phap-luat", "Hưởng ứng Ngày Pháp luật Việt Nam", SEEDS),
]

# The areas of the commune PAR index (DOMAIN.md §4), read as "task of the area done" (yes/no).
INDICATORS_PAR: list[dict] = [
    _yes_no("cchc-the-che", "Hoàn thành nhiệm vụ cải cách thể chế", PAR),
    _yes_no("cchc-tthc-mot-cua", "Hoàn thành nhiệm vụ cải cách TTHC, cơ chế một cửa, một cửa liên thông", PAR),
    _yes_no("cchc-to-chuc-bo-may", "Hoàn thành nhiệm vụ cải cách tổ chức bộ máy hành chính", PAR),
    _yes_no("cchc-che-do-cong-vu", "Hoàn thành nhiệm vụ cải cách chế độ công vụ", PAR),
    _yes_no("cchc-tai-chinh-cong", "Hoàn thành nhiệm vụ cải cách tài chính công", PAR),
    _yes_no("cchc-chinh-quyen-so", "Hoàn thành nhiệm vụ xây dựng chính quyền điện tử, chính quyền số", PAR),
    _yes_no("cchc-tuyen-truyen", "Hoàn thành nhiệm vụ tuyên truyền cải cách hành chính", PAR),
    _yes_no("cchc-kiem-tra", "Hoàn thành nhiệm vụ kiểm tra cải cách hành chính", PAR),
]

INDICATORS: list[dict] = [*INDICATORS_766, *INDICATORS_SEEDS, *INDICATORS_PAR]
CODES: frozenset[str] = frozenset(row["code"] for row in INDICATORS)


def sync_indicators() -> int:
    """Write the catalogue into the database (create or update by code); returns how many rows changed."""
    return upsert_by_code(Indicator, INDICATORS)
