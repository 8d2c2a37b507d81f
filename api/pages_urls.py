from django.urls import path

from api import pages

# The managers' pages for API tokens (HTML, session login); the API itself is api/urls.py.
app_name = "api_pages"

urlpatterns = [
    path("", pages.token_list, name="tokens"),
    path("<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
]
