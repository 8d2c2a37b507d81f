from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("verify/", views.verify_chain, name="verify"),
    path("changes/", views.changes, name="changes"),
]
