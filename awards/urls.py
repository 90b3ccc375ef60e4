"""Awards URLs: each views module keeps its own patterns."""

from awards.views import decisions, nominations, periods, plan_files, plan_rules

app_name = "awards"

urlpatterns = [
    *nominations.urlpatterns,
    *decisions.urlpatterns,
    *periods.urlpatterns,
    *plan_files.urlpatterns,
    *plan_rules.urlpatterns,
]
