from django.urls import path

from interactions import views

app_name = "interactions"
urlpatterns = [
    path("contacts/new/", views.interaction_create, name="interaction_create"),
    path("contacts/<int:pk>/", views.interaction_detail, name="interaction"),
    path("contacts/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("complaints/", views.complaint_queue, name="complaints"),
    path("complaints/new/", views.complaint_create, name="complaint_create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/move/", views.complaint_move, name="complaint_move"),
    path("complaints/<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("surveys/new/", views.feedback_create, name="feedback_create"),
]
