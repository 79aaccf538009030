"""The clerk's console on a county host."""

from django.urls import path

from county_sites.clerk import views

app_name = "clerk"

urlpatterns = [
    path("clerk/", views.console_home, name="console_home"),
    path("clerk/handover/", views.console_handover, name="console_handover"),
    # Ordering for a villager (views.order); order_basket takes ?villager=<user id>.
    path("clerk/order/", views.order_basket, name="order_basket"),
    path("clerk/order/find/", views.order_find, name="order_find"),
    path("clerk/order/basket/", views.order_basket_set, name="order_basket_set"),
    path("clerk/order/send/", views.order_send, name="order_send"),
    path("clerk/order/<str:number>/", views.order_status, name="order_status"),
    path("clerk/order/<str:number>/confirm/", views.order_confirm, name="order_confirm"),
    path("clerk/order/<str:number>/resend/", views.order_resend, name="order_resend"),
    path("clerk/order/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
]
