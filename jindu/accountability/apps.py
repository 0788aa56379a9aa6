from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "jindu.accountability"
    label = "accountability"
    verbose_name = _("Responsibilities and accountability")

    def ready(self):
        from jindu.documents.models import DocumentKind
        from jindu.documents.services import register_issuer
        from jindu.rectification.selectors import register_evidence

        from . import selectors, services

        register_evidence(selectors.duty_evidence)
        register_issuer(DocumentKind.BRIEFING, services.issue_briefing)
        register_issuer(DocumentKind.ACCOUNTABILITY_REPORT, services.issue_accountability_report)
