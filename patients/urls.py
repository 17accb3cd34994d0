from django.urls import path

from patients import pathway_views, views

app_name = "patients"
urlpatterns = [
    path("coordination/", views.dashboard, name="dashboard"),
    path("mes-patients/", views.my_patients, name="my_patients"),
    path("mon-dossier/", views.my_record, name="my_record"),
    path("mon-dossier/acces/", views.my_access_log, name="my_access_log"),
    path("gestion/journal-acces/", views.access_log_admin, name="access_log_admin"),
    path("patients/inclure/", views.include, name="include"),
    path("patients/<uuid:pk>/", views.patient_detail, name="detail"),
    path("patients/<uuid:pk>/modifier/", views.patient_edit, name="edit"),
    path("patients/<uuid:pk>/inclusion/", views.include_existing, name="include_existing"),
    path("patients/<uuid:pk>/sortie/", views.patient_exit, name="exit"),
    path("patients/<uuid:pk>/consentements/", views.consent_add, name="consent_add"),
    path(
        "patients/<uuid:pk>/consentements/<int:consent_pk>/retrait/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("patients/<uuid:pk>/aidants/nouveau/", views.caregiver_new, name="caregiver_new"),
    path("patients/<uuid:pk>/invitation/<str:kind>/", views.invite, name="invite"),
    path("patients/<uuid:pk>/journal-acces/", views.patient_access_log, name="access_log"),
    path("coordination/ruptures/", pathway_views.breaks, name="breaks"),
    path("patients/<uuid:pk>/parcours/nouveau/", pathway_views.event_new, name="pathway_new"),
    path(
        "patients/<uuid:pk>/parcours/<int:event_pk>/",
        pathway_views.event_detail,
        name="pathway_event",
    ),
    path(
        "patients/<uuid:pk>/parcours/<int:event_pk>/modifier/",
        pathway_views.event_edit,
        name="pathway_edit",
    ),
    path(
        "patients/<uuid:pk>/parcours/<int:event_pk>/contact/",
        pathway_views.contact_record,
        name="pathway_contact",
    ),
]
