from django.contrib import admin
from django.urls import include, path

from customers import urls as customer_urls
from desk import urls as desk_urls
from desk import views as desk_views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    # The customer's page composes apps (the desk's); it keeps its name, customers:detail.
    path("customers/", include((desk_urls.customer_page + customer_urls.urlpatterns, customer_urls.app_name))),
    path("review/", include("review.urls")),
    path("transactions/", include("transactions.urls")),
    path("service/", include("interactions.urls")),
    path("bulk/", include("bulk.urls")),
    path("lifecycle/", include("lifecycle.urls")),
    path("desk/", include("desk.urls")),
    path("help/", include("desk.help_urls")),
    path("api/v1/", include("api.urls")),
    path("systems/", include("api.pages_urls")),
    path("security/", include("watch.urls")),
    path("insight/", include("insight.urls")),
    path("outreach/", include("outreach.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("reports.urls")),
    path("", include("ops.urls")),  # /healthz
    # Each role's "my work" is the desk's; it keeps its address and name (`/`, home).
    path("", desk_views.my_work, name="home"),
]
