from django.urls import path

from budget import views

app_name = "budget"
urlpatterns = [
    path(
        "patients/<uuid:pk>/soins-complementaires/prescrire/",
        views.prescribe,
        name="prescribe",
    ),
    path("soins-complementaires/a-valider/", views.waiting, name="waiting"),
    path("soins-complementaires/<int:pk>/accorder/", views.approve, name="approve"),
    path("soins-complementaires/<int:pk>/refuser/", views.refuse, name="refuse"),
    path("soins-complementaires/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("soins-complementaires/<int:pk>/depense/", views.expense_new, name="expense_new"),
    path("depenses/<int:pk>/facture/", views.invoice, name="invoice"),
    path("mes-soins/", views.my_care, name="my_care"),
]
