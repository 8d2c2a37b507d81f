"""The REST API, /api/v1/ (issue 21). Bearer tokens only; the schema and its
docs are open (they carry no record). Ids are taken as text and looked up by the
views (`core.visibility.visible_or_404`), so a malformed id is the API's JSON 404,
not the site's HTML page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views
from api.base import logged
from feed.api import ChangeFeedView

app_name = "api"

urlpatterns = [
    path("customers/", views.CustomerList.as_view(), name="customers"),
    path("customers/search/", views.CustomerSearch.as_view(), name="customer_search"),
    path("customers/<str:pk>/", views.CustomerDetail.as_view(), name="customer"),
    path("customers/<str:pk>/reveal/", views.CustomerReveal.as_view(), name="customer_reveal"),
    path("customers/<str:pk>/grant-requests/", views.CustomerGrantRequest.as_view(), name="customer_grant_request"),
    path("transactions/", views.TransactionList.as_view(), name="transactions"),
    path("transactions/<str:pk>/", views.TransactionDetail.as_view(), name="transaction"),
    path("contacts/", views.ContactList.as_view(), name="contacts"),
    path("contacts/<str:pk>/", views.ContactDetail.as_view(), name="contact"),
    path("complaints/", views.ComplaintList.as_view(), name="complaints"),
    path("complaints/<str:pk>/", views.ComplaintDetail.as_view(), name="complaint"),
    path("surveys/", views.SurveyList.as_view(), name="surveys"),
    path("surveys/<str:pk>/", views.SurveyDetail.as_view(), name="survey"),
    path("products/", views.ProductList.as_view(), name="products"),
    path("products/<str:pk>/", views.ProductDetail.as_view(), name="product"),
    # The change feed (feed/): what changed in the token's scope, in commit order.
    path("changes/", logged(ChangeFeedView).as_view(), name="changes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(url_name="api:schema"), name="docs"),
]
