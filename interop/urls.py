"""FHIR R4, read-only, under /fhir/: `{type}/{id}` as the FHIR RESTful API names them (ids
only in the paths: never a name or a NIR), and the searches of a patient by INS or identity
traits and of a professional by RPPS, the parameters in the body (`POST {type}/_search`), the
next pages of a search by its id only (`GET {type}/_search/{id}?page=`)."""

from django.urls import path

from interop import reads, search
from interop.views import CapabilityView, ReadView, SearchInUrlView, SearchView

app_name = "fhir"

urlpatterns = [
    path("metadata", CapabilityView.as_view(), name="metadata"),
    # The search before the read: `_search` is not a patient's id.
    path("Patient", SearchInUrlView.as_view(resource="Patient"), name="patient_search_in_url"),
    path(
        "Patient/_search", SearchView.as_view(search=search.patient_search), name="patient_search"
    ),
    path(
        "Patient/_search/<str:pk>",
        ReadView.as_view(read=search.patient_page),
        name="patient_search_page",
    ),
    path("Patient/<str:pk>", ReadView.as_view(read=reads.patient), name="patient"),
    path(
        "Patient/<str:pk>/$everything", ReadView.as_view(read=reads.everything), name="everything"
    ),
    path(
        "Practitioner",
        SearchInUrlView.as_view(resource="Practitioner"),
        name="practitioner_search_in_url",
    ),
    path(
        "Practitioner/_search",
        SearchView.as_view(search=search.practitioner_search),
        name="practitioner_search",
    ),
    path("Practitioner/<str:pk>", ReadView.as_view(read=reads.practitioner), name="practitioner"),
    path(
        "PractitionerRole/<str:pk>",
        ReadView.as_view(read=reads.practitioner_role),
        name="practitioner_role",
    ),
    path("CareTeam/<str:pk>", ReadView.as_view(read=reads.care_team), name="care_team"),
    path("CarePlan/<str:pk>", ReadView.as_view(read=reads.care_plan), name="care_plan"),
    path("Goal/<str:pk>", ReadView.as_view(read=reads.goal), name="goal"),
    path("Encounter/<str:pk>", ReadView.as_view(read=reads.encounter), name="encounter"),
    path(
        "Questionnaire/<str:pk>",
        ReadView.as_view(read=reads.questionnaire),
        name="questionnaire",
    ),
    path(
        "QuestionnaireResponse/<str:pk>",
        ReadView.as_view(read=reads.questionnaire_response),
        name="questionnaire_response",
    ),
    path("Consent/<str:pk>", ReadView.as_view(read=reads.consent), name="consent"),
]
