"""The REST API: /api/v1/ (DRF router), its OpenAPI 3 schema and the Swagger UI docs.

Route names carry an "api-" prefix (e.g. "api-referral-detail") so they never clash with the pages'.
The schema and docs need a signed-in user or a token, like the API itself (drf-spectacular would
serve them to anyone by default). The docs are Swagger UI's split view: its script is a separate
file from drf-spectacular-sidecar's static files, since our Content Security Policy forbids inline script.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from cohorts.api import CohortMemberViewSet, CohortViewSet, PlanActionViewSet
from documents.api import DocumentViewSet, NoteViewSet
from outcomes.api import (
    AssessmentViewSet,
    ConditionViewSet,
    DiversionCaseViewSet,
    InterventionViewSet,
    OffenceViewSet,
    OutcomeCodeViewSet,
    ReturnToPoliceViewSet,
    SessionViewSet,
)
from referrals.api import AllocationViewSet, ReferralViewSet, TriageViewSet, YoungPersonViewSet
from reporting.api import FiguresViewSet
from web.api import SearchView

# The error answers (400, 401, 403, 404) every operation can give are added to the schema: see config/api_schema.py.
SCHEMA_SETTINGS = {
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.api_schema.add_error_responses"],
}

router = SimpleRouter()
router.register("referrals", ReferralViewSet, basename="api-referral")
router.register("triage", TriageViewSet, basename="api-triage")
router.register("young-people", YoungPersonViewSet, basename="api-young-person")
router.register("allocations", AllocationViewSet, basename="api-allocation")
router.register("cases", DiversionCaseViewSet, basename="api-case")
router.register("conditions", ConditionViewSet, basename="api-condition")
router.register("interventions", InterventionViewSet, basename="api-intervention")
router.register("sessions", SessionViewSet, basename="api-session")
router.register("assessments", AssessmentViewSet, basename="api-assessment")
router.register("returned-to-police", ReturnToPoliceViewSet, basename="api-return-to-police")
router.register("outcome-codes", OutcomeCodeViewSet, basename="api-outcome-code")
router.register("offences", OffenceViewSet, basename="api-offence")
router.register("figures", FiguresViewSet, basename="api-figures")
router.register("cohorts", CohortViewSet, basename="api-cohort")
router.register("cohort-members", CohortMemberViewSet, basename="api-cohort-member")
router.register("plan-actions", PlanActionViewSet, basename="api-plan-action")
router.register("documents", DocumentViewSet, basename="api-document")
router.register("notes", NoteViewSet, basename="api-note")

urlpatterns = [
    path("api/v1/search/young-people/", SearchView.as_view(), name="api-search-list"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated], custom_settings=SCHEMA_SETTINGS),
         name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI's page carries a small inline <style>; allow inline styles on this page only.
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[IsAuthenticated])
        ),
        name="api-docs",
    ),
]
