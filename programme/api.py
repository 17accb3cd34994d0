"""The API router (/api/v1/): every app's viewsets, under one root."""

from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from rest_framework.routers import APIRootView, DefaultRouter

from budget.api import CareRequestViewSet, EnvelopeViewSet, ExpenseViewSet, MovementViewSet
from careplans.api import CarePlanViewSet
from indemnities.api import IndemnityLineViewSet, IndemnityRateViewSet, PaymentBatchViewSet
from labparcours.api_tokens import ApiTokenViewSet
from opinions.api import OpinionAttachmentViewSet, OpinionRequestViewSet
from patients.api import PatientViewSet
from patients.pathway_api import FollowUpContactViewSet, PathwayEventViewSet
from sic.api import ContributionViewSet, SicViewSet
from teams.api import CareTeamViewSet, ProfessionalViewSet
from threads.api import urlpatterns as thread_urls


class ApiRoot(APIRootView):
    """The root of the browsable API, titled and described in the reader's language."""

    def get_view_name(self) -> str:
        return _("Lab Parcours API")

    def get_view_description(self, html: bool = False) -> Any:
        text = _(
            "The resources of the API, version 1. Each answer holds only the patients you may "
            "see, and each read of a patient's data is written to their access log."
        )
        if not html:
            return text
        docs = _("The documentation")
        return format_html('<p>{}</p><p><a href="{}">{}</a></p>', text, reverse("api_docs"), docs)


class Router(DefaultRouter):
    APIRootView = ApiRoot


router = Router()
router.register("patients", PatientViewSet, basename="patient")
router.register("professionals", ProfessionalViewSet, basename="professional")
router.register("teams", CareTeamViewSet, basename="team")
router.register("sics", SicViewSet, basename="sic")
router.register("contributions", ContributionViewSet, basename="contribution")
router.register("careplans", CarePlanViewSet, basename="careplan")
router.register("budgets", EnvelopeViewSet, basename="budget")
router.register("supplementary-care", CareRequestViewSet, basename="supplementary-care")
router.register("expenses", ExpenseViewSet, basename="expense")
router.register("budget-movements", MovementViewSet, basename="budget-movement")
router.register("pathway-events", PathwayEventViewSet, basename="pathway-event")
router.register("follow-up-contacts", FollowUpContactViewSet, basename="follow-up-contact")
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("indemnities", IndemnityLineViewSet, basename="indemnity")
router.register("indemnity-rates", IndemnityRateViewSet, basename="indemnity-rate")
router.register("payment-batches", PaymentBatchViewSet, basename="payment-batch")
router.register("opinion-requests", OpinionRequestViewSet, basename="opinion-request")
router.register("opinion-attachments", OpinionAttachmentViewSet, basename="opinion-attachment")

urlpatterns = [*router.urls, *thread_urls]
