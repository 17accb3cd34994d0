from django.urls import path

from careplans import views

app_name = "careplans"
urlpatterns = [
    path("patients/<uuid:pk>/plans/", views.patient_plans, name="patient_plans"),
    path("patients/<uuid:pk>/plans/nouveau/", views.plan_new, name="new"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/objectifs/", views.goal_add, name="goal_add"),
    path("plans/<int:pk>/actions/", views.action_add, name="action_add"),
    path("plans/<int:pk>/objectifs/<int:item_pk>/modifier/", views.goal_edit, name="goal_edit"),
    path("plans/<int:pk>/actions/<int:item_pk>/modifier/", views.action_edit, name="action_edit"),
    path(
        "plans/<int:pk>/<str:kind>/<int:item_pk>/supprimer/",
        views.item_remove,
        name="item_remove",
    ),
    path("plans/<int:pk>/proposer/", views.plan_propose, name="propose"),
    path("plans/<int:pk>/validation/", views.plan_record_validation, name="record_validation"),
    path("plans/<int:pk>/valider/", views.plan_validate, name="validate"),
    path("plans/<int:pk>/modifications/", views.plan_request_changes, name="request_changes"),
    path("plans/<int:pk>/reponse/", views.plan_answer_changes, name="answer_changes"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="pdf"),
    path("plans/<int:pk>/feuille-signee/", views.plan_scan, name="validation_scan"),
    path("sic/<int:pk>/plan/", views.from_sic, name="from_sic"),
    path("mon-plan/", views.my_plan, name="my_plan"),
    path("mes-actions/", views.my_actions, name="my_actions"),
    path("actions/<int:pk>/statut/", views.action_status, name="action_status"),
    path("actions/<int:pk>/annuler-fait/", views.action_undo, name="action_undo"),
]
