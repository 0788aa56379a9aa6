from django.urls import include, path
from rest_framework.routers import DefaultRouter

from jindu.accountability.api import (
    ActionViewSet,
    AnnualAssessmentViewSet,
    AssignmentViewSet,
    EligibilityView,
    InspectionViewSet,
)
from jindu.accounts.api import MeView, TokenView
from jindu.control.api import router_registrations as control_routes
from jindu.control.api import urlpatterns_extra as control_urls
from jindu.orgs.api import MemberUnitViewSet, OrgUnitViewSet, PositionViewSet, StationViewSet
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

router = DefaultRouter()
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
for prefix, viewset, basename in control_routes:
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("eligibility/", EligibilityView.as_view(), name="eligibility"),
    *control_urls,
    path("", include(router.urls)),
]
