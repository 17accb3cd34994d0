from django.urls import path

from sic import views

app_name = "sic"
urlpatterns = [
    path("sic/", views.sic_list, name="list"),
    path("sic/<int:pk>/", views.sic_detail, name="detail"),
    path("sic/<int:pk>/planifier/", views.sic_schedule_view, name="schedule"),
    path("sic/<int:pk>/annuler/", views.sic_cancel_view, name="cancel"),
    path("sic/<int:pk>/compte-rendu/", views.sic_hold_view, name="hold"),
    path("sic/<int:pk>/reponse/", views.attendance_answer, name="answer"),
    path("sic/<int:pk>/contribution/<str:kind>/", views.contribution_edit, name="contribute"),
    path("sic/<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("contributions/<int:pk>/", views.contribution_detail, name="contribution"),
    path("patients/<uuid:pk>/sic/", views.patient_sics, name="patient_sics"),
]
