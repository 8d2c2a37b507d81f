from django.contrib import admin
from django.urls import include, path

from desk import views as desk_views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("customers/", include("customers.urls")),
    path("review/", include("review.urls")),
    path("transactions/", include("transactions.urls")),
    path("service/", include("interactions.urls")),
    path("bulk/", include("bulk.urls")),
    path("desk/", include("desk.urls")),
    path("help/", include("desk.help_urls")),
    path("", desk_views.my_work, name="home"),
]
