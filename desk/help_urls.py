from django.urls import path

from desk import views

app_name = "help"

urlpatterns = [
    path("", views.help_index, name="index"),
    path("<slug:role>/", views.help_page, name="role"),
]
