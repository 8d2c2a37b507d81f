from django.urls import path

from watch import views

app_name = "watch"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/export/<str:file_format>/", views.report_export, name="report_export"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("incidents/<int:pk>/notice/", views.notice, name="notice"),
    path("incidents/<int:pk>/notice/download/", views.notice_download, name="notice_download"),
    path("accounts/<int:pk>/lock/", views.lock, name="lock"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
]
