from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("greetings/", views.greetings, name="greetings"),
    path("greetings/send/", views.greeting_send, name="greeting_send"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/approve/", views.round_approve, name="round_approve"),
    path("rounds/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("answers/<int:pk>/", views.round_answer, name="round_answer"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
]
