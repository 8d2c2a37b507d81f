"""Report pages outside the admin (the admin holds the manager reports):
scorecards, which clerks and reviewers open too."""

from django.urls import path

from reports import scorecard_views

app_name = "reports"

urlpatterns = [
    path("scorecards/", scorecard_views.department, name="scorecards"),
    path("scorecards/me/", scorecard_views.mine, name="scorecard_mine"),
    path("scorecards/<int:pk>/", scorecard_views.person, name="scorecard"),
]
