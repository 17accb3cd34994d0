from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from labparcours import account_views, notification_views, views
from labparcours.api import router

# The admin has no login form of its own: the site's login (two-factor, rate limits) first.
admin.site.login = account_views.admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("gestion/", views.programme_home, name="programme_home"),
    path(
        "compte/notifications/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("compte/", include("allauth.urls")),
    path("compte/", include("labparcours.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/lue/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/tout-lire/",
        notification_views.notification_read_all,
        name="notifications_read_all",
    ),
    path(
        "patients/<uuid:pk>/relances/",
        notification_views.patient_reminders,
        name="patient_reminders",
    ),
    path(
        "patients/<uuid:pk>/relances/envoyer/",
        notification_views.reminder_send,
        name="reminder_send",
    ),
    path("", include("patients.urls")),
    path("", include("teams.urls")),
    path("", include("sic.urls")),
    path("", include("careplans.urls")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file (?script=): no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

admin.site.site_header = "Lab Parcours"
admin.site.site_title = "Lab Parcours"
