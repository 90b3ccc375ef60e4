"""/api/v1/: the endpoints, the OpenAPI 3 schema and its browsable page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import pages, views

app_name = "api"

router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False  # one URL per resource: JSON, or the browsable page for a browser
router.register("plans", views.PlanViewSet, basename="plan")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("groups", views.GroupViewSet, basename="group")
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("criteria", views.CriterionViewSet, basename="criterion")
router.register("readings", views.ReadingViewSet, basename="reading")
router.register("nominations", views.NominationViewSet, basename="nomination")
router.register("decisions", views.DecisionViewSet, basename="decision")

urlpatterns = [
    path("khoa-api/", pages.token_list, name="token_list"),
    path("khoa-api/cap-moi/", pages.token_new, name="token_new"),
    path("khoa-api/<int:pk>/thu-hoi/", pages.token_revoke, name="token_revoke"),
    path("api/v1/", include(router.urls)),
    path("api/v1/whoami/", views.WhoAmI.as_view(), name="whoami"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
