"""The clerk's console on a county host."""

from django.urls import path

from county_sites.clerk import views

app_name = "clerk"

urlpatterns = [
    path("clerk/", views.console_home, name="console_home"),
    path("clerk/handover/", views.console_handover, name="console_handover"),
    path("clerk/receive/", views.console_receive_list, name="console_receive_list"),
    path("clerk/receive/<int:pk>/", views.console_receive, name="console_receive"),
]
