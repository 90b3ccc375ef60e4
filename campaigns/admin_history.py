"""History pages in the admin that show the past but never write it back."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's "Revert" saves an old version straight over the record, which would turn a signed
    decision back into a draft or unlock a reading; corrections go through annul / reopen, so reverting is refused."""

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("Không khôi phục phiên bản cũ trong trang quản trị; hãy dùng chức năng hủy/mở lại.")
        return super().history_form_view(request, object_id, version_id, extra_context)
