from django.contrib import admin
from django.urls import include, path

from customers import views as customer_views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("customers/", include("customers.urls")),
    path("review/", include("customers.review_urls")),
    path("transactions/", include("transactions.urls")),
    path("service/", include("interactions.urls")),
    path("bulk/", include("bulk.urls")),
    path("lifecycle/", include("lifecycle.urls")),
    path("desk/", include("desk.urls")),
    path("", customer_views.home, name="home"),
]
