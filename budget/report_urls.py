"""Programme management's pages of the budget: the overview, the rows behind it, exports."""

from django.urls import path

from budget import report_views

app_name = "budget_reports"

urlpatterns = [
    path("gestion/budget/", report_views.overview, name="overview"),
    path("gestion/budget/mouvements/", report_views.movements, name="movements"),
    path("gestion/budget/demandes/", report_views.requests, name="requests"),
    path("gestion/budget/depenses/", report_views.expenses, name="expenses"),
    path("gestion/budget/exports/", report_views.export, name="export"),
]
