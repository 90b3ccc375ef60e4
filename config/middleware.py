"""Headers Django 5.2 does not set by itself, and a request body limit it does not enforce before reading."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from core.uploads import megabytes, request_body_limit


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
                request._stream = None  # the body is never read
                context = {"size_mb": megabytes(size), "limit_mb": megabytes(allowed)}
                response = render(request, "413.html", context, status=413)
                response["Connection"] = "close"
                return response
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
