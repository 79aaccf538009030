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
]
