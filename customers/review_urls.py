from django.urls import path

from customers import review_views

app_name = "review"
urlpatterns = [
    path("", review_views.review_queue, name="queue"),
    path("<int:pk>/", review_views.review_page, name="page"),
    path("<int:pk>/approve/", review_views.review_approve, name="approve"),
    path("<int:pk>/return/", review_views.review_return, name="return"),
    path("changes/<int:pk>/approve/", review_views.change_approve, name="change_approve"),
    path("changes/<int:pk>/return/", review_views.change_return, name="change_return"),
]
