"""The clerk's console on a county host."""

from django.urls import path

from county_sites.clerk import views

app_name = "clerk"

urlpatterns = [
    path("clerk/", views.console_home, name="console_home"),
    path("clerk/handover/", views.console_handover, name="console_handover"),
    path("clerk/list/<slug:which>/", views.console_list, name="console_list"),
    path("clerk/overdue/", views.console_overdue, name="console_overdue"),
    path("clerk/overdue/return/", views.console_return, name="console_return"),
    path("clerk/villagers/", views.console_villagers, name="console_villagers"),
    path(
        "clerk/villagers/register/",
        views.console_villager_register,
        name="console_villager_register",
    ),
    path(
        "clerk/villagers/register/confirm/",
        views.console_villager_confirm,
        name="console_villager_confirm",
    ),
    path("clerk/villagers/<int:user_id>/", views.console_villager, name="console_villager"),
    path(
        "clerk/villagers/<int:user_id>/consents/",
        views.console_villager_consent,
        name="console_villager_consent",
    ),
    path(
        "clerk/villagers/<int:user_id>/consents/<int:consent_id>/photo/",
        views.console_villager_consent_photo,
        name="console_villager_consent_photo",
    ),
    path(
        "clerk/villagers/<int:user_id>/list/",
        views.console_villager_list_produce,
        name="console_villager_list_produce",
    ),
    # Ordering for a villager (views.order); order_basket takes ?villager=<user id>.
    path("clerk/order/", views.order_basket, name="order_basket"),
    path("clerk/order/find/", views.order_find, name="order_find"),
    path("clerk/order/basket/", views.order_basket_set, name="order_basket_set"),
    path("clerk/order/send/", views.order_send, name="order_send"),
    path("clerk/order/<str:number>/", views.order_status, name="order_status"),
    path("clerk/order/<str:number>/confirm/", views.order_confirm, name="order_confirm"),
    path("clerk/order/<str:number>/resend/", views.order_resend, name="order_resend"),
    path("clerk/order/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("clerk/till/", views.console_till, name="console_till"),
    path("clerk/till/close/", views.console_till_close, name="console_till_close"),
    path("clerk/till/handover/", views.console_till_handover, name="console_till_handover"),
    path("clerk/commissions/", views.console_commissions, name="console_commissions"),
    path("clerk/receive/", views.console_receive_list, name="console_receive_list"),
    path("clerk/receive/<int:pk>/", views.console_receive, name="console_receive"),
]
