"""Planning URLs: each views module keeps its own patterns; the paths are those the pages always had."""

from planning.reports import views as reports
from planning.views import periods, plan_editor, plan_files, plan_rules

app_name = "planning"

urlpatterns = [
    *plan_editor.urlpatterns,
    *periods.urlpatterns,
    *plan_files.urlpatterns,
    *plan_rules.urlpatterns,
    *reports.urlpatterns,
]
