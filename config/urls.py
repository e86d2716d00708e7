from django.contrib import admin
from django.urls import include, path

from config.health import healthz

urlpatterns = [
    path("", include("partners.urls")),
    path("", include("partners.signin.urls")),
    path("", include("referrals.urls")),
    path("", include("notifications.urls")),
    path("", include("web.urls")),
    path("", include("outcomes.urls")),
    path("", include("reporting.urls")),
    path("", include("cohorts.urls")),
    path("", include("documents.urls")),
    path("", include("config.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler403 = "core.error_pages.forbidden"
handler404 = "core.error_pages.not_found"
handler500 = "core.error_pages.server_error"
