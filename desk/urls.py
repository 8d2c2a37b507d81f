"""The desk's pages. The one-screen customer page keeps its address and name
(`/customers/<pk>/`, `customers:detail`): `crm/urls.py` mounts `customer_page`
in the customers' namespace, ahead of the customers app's own pages."""

from django.urls import path

from desk import views

app_name = "desk"

urlpatterns = []

customer_page = [
    path("<int:pk>/", views.customer_detail, name="detail"),
]
