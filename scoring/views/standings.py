"""Views; URL patterns are listed at the bottom of the module and included by the app's urls.py."""

from __future__ import annotations

urlpatterns: list = []
