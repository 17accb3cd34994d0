from django.urls import path

from programme import indicator_views, views

urlpatterns = [
    path("gestion/", views.programme_home, name="programme_home"),
    path("indicateurs/", indicator_views.indicators, name="indicators"),
    path("indicateurs/rapport/", indicator_views.report, name="indicator_report"),
    path("indicateurs/experience/", indicator_views.experience, name="experience_summary"),
    path(
        "indicateurs/export-evaluation/",
        indicator_views.evaluator_export,
        name="evaluator_export",
    ),
    path(
        "indicateurs/<slug:key>/patients/",
        indicator_views.indicator_patients,
        name="indicator_patients",
    ),
]
