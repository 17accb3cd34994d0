from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from labparcours import account_views, views

# The admin has no login form of its own: the site's login (two-factor, rate limits) first.
admin.site.login = account_views.admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    # The API before the pages' includes: every request is matched against the patterns in
    # order, and an API call (a script's hundreds a minute) went through each page's first.
    # No page's path begins with "api/".
    path("api/v1/", include("programme.api")),
    path("", include("programme.urls")),
    path("", include("reminders.urls")),
    path("compte/", include("allauth.urls")),
    path("compte/", include("labparcours.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("patients.urls")),
    path("", include("teams.urls")),
    path("", include("sic.urls")),
    path("", include("careplans.urls")),
    path("", include("budget.urls")),
    path("", include("budget.report_urls")),
    path("", include("indemnities.urls")),
    path("", include("threads.urls")),
    path("", include("opinions.urls")),
    # HL7 FHIR R4, read-only, for hospitals and regional platforms.
    path("fhir/", include("interop.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file (?script=): no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

handler404 = "labparcours.api_errors.not_found"
handler500 = "labparcours.correlation.server_error"

admin.site.site_header = "Lab Parcours"
admin.site.site_title = "Lab Parcours"
