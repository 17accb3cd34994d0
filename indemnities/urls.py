from django.urls import path

from indemnities import views

# No namespace: the e-mails and the navigation name these pages `my_indemnities` and
# `indemnities_admin`.
urlpatterns = [
    path("indemnisations/", views.my_indemnities, name="my_indemnities"),
    path("indemnisations/releves/<int:pk>/", views.my_statement, name="my_statement"),
    path("indemnisations/admin/", views.indemnities_admin, name="indemnities_admin"),
    path("indemnisations/admin/valider/", views.lines_approve, name="indemnities_approve"),
    path("indemnisations/rapports/", views.reports, name="indemnities_reports"),
    path("indemnisations/tarifs/", views.rates, name="indemnities_rates"),
    path("indemnisations/tarifs/<int:pk>/fin/", views.rate_end, name="indemnities_rate_end"),
    path("indemnisations/rapports/export/", views.report_export, name="indemnities_report_export"),
    path("indemnisations/lots/", views.batch_build, name="indemnities_batch_build"),
    path("indemnisations/lots/<int:pk>/", views.batch_detail, name="indemnities_batch"),
    path("indemnisations/lots/<int:pk>/sepa.xml", views.batch_sepa, name="indemnities_batch_sepa"),
    path(
        "indemnisations/lots/<int:pk>/liste.<str:fmt>",
        views.batch_listing,
        name="indemnities_batch_listing",
    ),
    path(
        "indemnisations/lots/<int:pk>/releves/<int:professional>/",
        views.batch_statement,
        name="indemnities_batch_statement",
    ),
    path(
        "indemnisations/lots/<int:pk>/paye/",
        views.batch_mark_paid,
        name="indemnities_batch_mark_paid",
    ),
]
