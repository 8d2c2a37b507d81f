from django.urls import path  # noqa: F401

# The managers' pages for API tokens (HTML, session login); the API itself is api/urls.py.
app_name = "api_pages"

urlpatterns: list = []
