from django.urls import path

from insight import views

app_name = "insight"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("refresh/", views.refresh, name="refresh"),
]
