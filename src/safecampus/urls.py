"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from safecampus.api import api
from safecampus.core import views as core_views

handler403 = "safecampus.core.views.error_403"
handler404 = "safecampus.core.views.error_404"
handler500 = "safecampus.core.views.error_500"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("roster/", include("safecampus.roster.urls")),
    path("", include("safecampus.accounts.urls")),
    path("roster/", include("safecampus.roster.slip_urls")),
    path("", include("safecampus.core.urls")),
    path("roster/", include("safecampus.roster.year_urls")),
    path("training/stats/", include("safecampus.training_stats.urls")),
    path("training/compliance/", include("safecampus.training_stats.urls_compliance")),
    path("training/", include("safecampus.training.urls")),
    path("inbox/", include("safecampus.inbox.urls")),
    path("risks/", include("safecampus.risks.urls")),
    path("hazards/stats/", include("safecampus.hazards.urls_stats")),
    path("hazards/", include("safecampus.hazards.urls")),
    path("supervision/", include("safecampus.supervision.urls")),
    path("patrols/", include("safecampus.patrols.urls")),
    path("checks/stats/", include("safecampus.checks.urls_stats")),
    path("checks/", include("safecampus.checks.urls")),
    path("calendar/", include("safecampus.schoolcal.urls")),
    path("fire/", include("safecampus.fire.urls")),
    path("talks/", include("safecampus.talks.urls")),
    path("duty/", include("safecampus.duty.urls")),
    path("termplan/", include("safecampus.termplan.urls")),
    path("responsibility/", include("safecampus.responsibility.urls")),
    path("gate/visits/", include("safecampus.visitors.urls")),
    path("gate/exits/", include("safecampus.exits.urls")),
    path("gate/pickups/", include("safecampus.pickups.urls")),
    path("security/guards/", include("safecampus.guards.urls")),
    path("security/", include("safecampus.defence.urls")),
    path("notices/", include("safecampus.notices.urls")),
    path("webhooks/", include("safecampus.webhooks.urls")),
]

admin.site.site_header = "SafeCampus"
admin.site.site_title = "SafeCampus"
if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
