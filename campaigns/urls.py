from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("don-vi/", views.UnitListView.as_view(), name="unit_list"),
    path("ke-hoach/", views.PlanListView.as_view(), name="plan_list"),
    path("ke-hoach/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
]
