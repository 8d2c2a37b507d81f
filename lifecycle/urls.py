from django.urls import path

from lifecycle import archive_views, reverify_views, sample_views, subject_views, views

app_name = "lifecycle"

urlpatterns = [
    path("destruction/", views.destruction_queue, name="queue"),
    path("destruction/<int:pk>/", views.destruction_detail, name="destruction"),
    path("destruction/<int:pk>/<slug:decision>/", views.destruction_decide, name="destruction_decide"),
    path("customers/<int:pk>/destroy/", views.destruction_request_create, name="destruction_request"),
    path("customers/<int:pk>/hold/", views.hold_create, name="hold_create"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
    path("archive/", archive_views.archive_queue, name="archives"),
    path("archive/<int:pk>/", archive_views.archive_detail, name="archive"),
    path("archive/<int:pk>/<slug:decision>/", archive_views.archive_decide, name="archive_decide"),
    path("customers/<int:pk>/archive/", archive_views.archive_request_create, name="archive_request"),
    path("reverify/", reverify_views.reverify_queue, name="reverify"),
    path("reverify/export/", reverify_views.reverify_export, name="reverify_export"),
    path("customers/<int:pk>/reverify/", reverify_views.reverify_confirm, name="reverify_confirm"),
    path("samples/", sample_views.sample_list, name="samples"),
    path("samples/<int:pk>/", sample_views.sample_check, name="sample"),
    path("requests/", subject_views.subject_request_list, name="subject_requests"),
    path("requests/<int:pk>/", subject_views.subject_request_detail, name="subject_request"),
    path("requests/<int:pk>/copy/", subject_views.subject_request_copy, name="subject_request_copy"),
    path("requests/<int:pk>/<slug:step>/", subject_views.subject_request_act, name="subject_request_act"),
    path("customers/<int:pk>/request/", subject_views.subject_request_create, name="subject_request_create"),
]
