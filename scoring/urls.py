"""Scoring URLs: each views module keeps its own patterns (standings/exports and data entry are built separately)."""

from scoring.views import entry, report_import, standings

app_name = "scoring"

urlpatterns = [*standings.urlpatterns, *entry.urlpatterns, *report_import.urlpatterns]
