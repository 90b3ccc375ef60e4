"""Headers Django 5.2 does not set by itself, and a request body limit it does not enforce before reading."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from campaigns.uploads import megabytes, request_body_limit


class RequestBodyLimitMiddleware:
    """Refuses a request whose Content-Length is above what its view accepts (413), before anything reads the body.

    Upload views (marked ``accepts_upload``) take the largest upload and its form; every other path takes
    DATA_UPLOAD_MAX_MEMORY_SIZE. nginx refuses the same sizes first (deploy/nginx); this holds without it, e.g.
    300 MB posted to the login page is refused from its headers instead of spooled to disk. A body without a length
    (chunked) is bounded by nginx, which buffers and counts it, and by Django's own DATA_UPLOAD_MAX_MEMORY_SIZE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        size = int(length) if length.isdigit() else 0
        if size > int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE):
            try:
                view = resolve(request.path_info).func
            except Resolver404:
                view = None
            allowed = request_body_limit(view)
            if size > allowed:
                context = {"size_mb": megabytes(size), "limit_mb": megabytes(allowed)}
                response = render(request, "413.html", context, status=413)
                response["Connection"] = "close"
                return response
        return self.get_response(request)


# A 64-bit integer column (every id, every year) holds any 18-digit number; a longer run of digits is no id.
MAX_DIGITS = 18
# Parameters with a meaning narrower than "an integer": the years the plans can span (a date needs 1–9999).
PARAMETER_RANGES = {"nam": (1900, 2200)}


def bad_query_parameter(name: str, value: str) -> bool:
    """A query parameter no page can take: a NUL byte (PostgreSQL refuses it in text), more digits than an integer
    column holds, or a number outside the parameter's range (PARAMETER_RANGES)."""
    if "\x00" in name or "\x00" in value:
        return True
    digits = value.strip().removeprefix("-").removeprefix("+")
    if digits.isdigit():
        if len(digits) > MAX_DIGITS:
            return True
        bounds = PARAMETER_RANGES.get(name)
        if bounds is not None and not bounds[0] <= int(digits) <= bounds[1]:
            return True
    return False


class QueryParameterMiddleware:
    """Answers 400 with a Vietnamese page when a query parameter is one no page can take (bad_query_parameter):
    one check for every list filter and search box, instead of a 500 from the database or a date."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if any(bad_query_parameter(name, value) for value in values):
                message = _("Tham số không hợp lệ trong địa chỉ trang (“%(name)s”). Hãy chọn lại bộ lọc.") % {
                    "name": name.replace("\x00", "")[:40]
                }
                return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (only the app's own assets) and a restrictive Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response
