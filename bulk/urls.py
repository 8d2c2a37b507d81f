from django.urls import path

from bulk import views

app_name = "bulk"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.job, name="job"),
    path("imports/<int:pk>/status/", views.job_status, name="job_status"),
    path("imports/<int:pk>/start/", views.job_start, name="job_start"),
    path("imports/<int:pk>/discard/", views.job_discard, name="job_discard"),
    path("imports/<int:pk>/report.csv", views.job_report, name="job_report"),
    path("exports/<str:what>.<str:file_format>", views.export, name="export"),
]
