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
        "clerk/villagers/<int:user_id>/consents/<int:consent_id>/photo/",
        views.console_villager_consent_photo,
        name="console_villager_consent_photo",
    ),
    path(
        "clerk/villagers/<int:user_id>/list/",
        views.console_villager_list_produce,
        name="console_villager_list_produce",
    ),
]
