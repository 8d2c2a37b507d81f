from django.urls import path

from transactions import views

app_name = "transactions"
urlpatterns = [
    path("", views.transaction_list, name="list"),
    path("new/", views.transaction_create, name="create"),
    path("<int:pk>/", views.transaction_detail, name="detail"),
    path("<int:pk>/edit/", views.transaction_update, name="update"),
    path("<int:pk>/confirm/", views.transaction_confirm, name="confirm"),
    path("<int:pk>/submit/", views.transaction_submit, name="submit"),
    path("<int:pk>/approve/", views.transaction_approve, name="approve"),
    path("<int:pk>/return/", views.transaction_return, name="return"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/<int:pk>/move/", views.order_move, name="order_move"),
    path("contracts/new/", views.contract_create, name="contract_create"),
]
