from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("don-vi/", views.UnitListView.as_view(), name="unit_list"),
    path("ke-hoach/", views.PlanListView.as_view(), name="plan_list"),
    path("ke-hoach/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("ke-hoach/<int:pk>/ban-in/", views.PlanPrintView.as_view(), name="plan_print"),
    path("ke-hoach/<int:pk>/trang-thai/<str:to>/", views.plan_status, name="plan_status"),
    path("nhiem-vu/<int:pk>/tien-do/", views.task_progress, name="task_progress"),
]

# Officials, accounts, roles and the org tree (issue 20): campaigns/org/urls.py.
from campaigns.org.urls import urlpatterns as org_urlpatterns  # noqa: E402

urlpatterns += org_urlpatterns
