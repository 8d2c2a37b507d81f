"""The customers app's pages. The customer's own page (`customers:detail`) is the
desk's one-screen page, mounted in this namespace by `crm/urls.py`."""

from django.urls import path

from customers import duplicate_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:pk>/edit/", views.customer_update, name="update"),
    path("<int:pk>/confirm/", views.customer_confirm, name="confirm"),
    path("<int:pk>/submit/", views.customer_submit, name="submit"),
    path("<int:pk>/reveal/<str:field>/", views.customer_reveal, name="reveal"),
    path("<int:pk>/tags/", views.customer_tags, name="tags"),
    path("<int:pk>/owner/", views.customer_reassign_owner, name="reassign_owner"),
    path("<int:pk>/grants/new/", views.grant_request, name="grant_request"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/withdraw/", views.change_withdraw, name="change_withdraw"),
    path("duplicates/", duplicate_views.duplicate_list, name="duplicates"),
    path("duplicates/<int:pk>/dismiss/", duplicate_views.duplicate_dismiss, name="duplicate_dismiss"),
    path("duplicates/<int:pk>/merge/", duplicate_views.merge_propose, name="merge_propose"),
    path("merges/<int:pk>/", duplicate_views.merge_detail, name="merge"),
    path("merges/<int:pk>/<str:decision>/", duplicate_views.merge_decide, name="merge_decide"),
    path("grants/", views.grants, name="grants"),
    path("grants/<int:grant_id>/<str:decision>/", views.grant_decide, name="grant_decide"),
]
