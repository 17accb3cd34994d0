from django.urls import path

from teams import views

app_name = "teams"
urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path("annuaire/nouveau/", views.professional_form, name="professional_new"),
    path("annuaire/<int:pk>/modifier/", views.professional_form, name="professional_edit"),
    path("annuaire/<int:pk>/invitation/", views.professional_invite, name="professional_invite"),
    path("patients/<uuid:pk>/equipe/", views.team, name="team"),
    path("patients/<uuid:pk>/equipe/ajouter/", views.member_add, name="member_add"),
    path(
        "patients/<uuid:pk>/equipe/<int:membership_pk>/depart/",
        views.member_leave,
        name="member_leave",
    ),
]
