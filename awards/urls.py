"""Awards URLs: each views module keeps its own patterns."""

from awards.views import decisions, nominations, periods, plan_files

app_name = "awards"

urlpatterns = [*nominations.urlpatterns, *decisions.urlpatterns, *periods.urlpatterns, *plan_files.urlpatterns]
