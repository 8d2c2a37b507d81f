from django.urls import path, re_path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.campaign_list, name="list"),
    re_path(r"^(?P<pk>[0-9]+)/export\.(?P<file_format>csv|xlsx)$", views.campaign_export, name="export"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
