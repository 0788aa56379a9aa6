from django.urls import include, path
from rest_framework.routers import DefaultRouter

from jindu.accountability.api import (
    ActionViewSet,
    AnnualAssessmentViewSet,
    AssignmentViewSet,
    CityListingViewSet,
    EligibilityView,
    InspectionViewSet,
)
from jindu.accounts.api import MeView, TokenView, TokenViewSet
from jindu.control.api.viewsets import router_registrations as control_routes
from jindu.control.api.viewsets import urlpatterns_extra as control_urls
from jindu.documents.api import DocumentViewSet
from jindu.enforcement.api import router_registrations as enforcement_routes
from jindu.enforcement.api import urlpatterns_extra as enforcement_urls
from jindu.indicators.api import router_registrations as indicator_routes
from jindu.indicators.api import urlpatterns_extra as indicator_urls
from jindu.orgs.api import MemberUnitViewSet, OrgUnitViewSet, PositionViewSet, StationViewSet
from jindu.precursors.api import router_registrations as precursor_routes
from jindu.precursors.api import urlpatterns_extra as precursor_urls
from jindu.prevention.api import router_registrations as prevention_routes
from jindu.prevention.api import urlpatterns_extra as prevention_urls
from jindu.rectification.api import (
    ApplicationViewSet,
    AssessmentViewSet,
    DecisionViewSet,
    DesignationViewSet,
    EvaluationViewSet,
)
from jindu.supervision.api import (
    EventViewSet,
    LetterViewSet,
    MeetingViewSet,
    ObligationViewSet,
    ReportViewSet,
)


class Router(DefaultRouter):
    """Object ids in paths are numbers: anything else is a 404 from the URL resolver, never
    a ValueError in a view (unless a viewset declares its own ``lookup_value_regex``)."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not getattr(viewset, "lookup_value_regex", None):
            viewset.lookup_value_regex = "[0-9]{1,18}"
        return super().get_lookup_regex(viewset, lookup_prefix)


router = Router()
router.register("auth/tokens", TokenViewSet, basename="api-token")
router.register("org-units", OrgUnitViewSet, basename="org-unit")
router.register("member-units", MemberUnitViewSet, basename="member-unit")
router.register("stations", StationViewSet, basename="station")
router.register("positions", PositionViewSet, basename="position")
router.register("designations", DesignationViewSet, basename="designation")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("applications", ApplicationViewSet, basename="application")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("monthly-reports", ReportViewSet, basename="monthly-report")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("responsibility-letters", LetterViewSet, basename="responsibility-letter")
router.register("major-events", EventViewSet, basename="major-event")
router.register("accountability-actions", ActionViewSet, basename="accountability-action")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("assistance-assignments", AssignmentViewSet, basename="assistance-assignment")
router.register("annual-assessments", AnnualAssessmentViewSet, basename="annual-assessment")
router.register("documents", DocumentViewSet, basename="document")
router.register("city-listings", CityListingViewSet, basename="city-listing")
for prefix, viewset, basename in control_routes:
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in enforcement_routes:
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in precursor_routes:
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in prevention_routes:
    router.register(prefix, viewset, basename=basename)
for prefix, viewset, basename in indicator_routes:
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("eligibility/", EligibilityView.as_view(), name="eligibility"),
    *control_urls,
    *enforcement_urls,
    *precursor_urls,
    *prevention_urls,
    *indicator_urls,
    path("", include(router.urls)),
]
