"""The API router (/api/v1/): every app's viewsets, under one root."""

from rest_framework.routers import DefaultRouter

from budget.api import CareRequestViewSet, EnvelopeViewSet, ExpenseViewSet, MovementViewSet
from careplans.api import CarePlanViewSet
from indemnities.api import IndemnityLineViewSet, IndemnityRateViewSet, PaymentBatchViewSet
from labparcours.api_tokens import ApiTokenViewSet
from patients.api import PatientViewSet
from sic.api import ContributionViewSet, SicViewSet
from teams.api import CareTeamViewSet, ProfessionalViewSet

router = DefaultRouter()
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
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("indemnities", IndemnityLineViewSet, basename="indemnity")
router.register("indemnity-rates", IndemnityRateViewSet, basename="indemnity-rate")
router.register("payment-batches", PaymentBatchViewSet, basename="payment-batch")

urlpatterns = router.urls
