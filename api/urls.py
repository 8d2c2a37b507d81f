from django.urls import path

from feed.api import ChangeFeedView

app_name = "api"

urlpatterns: list = [
    path("changes/", ChangeFeedView.as_view(), name="changes"),
]
