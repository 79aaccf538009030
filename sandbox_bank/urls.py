from django.urls import path

from sandbox_bank import views

app_name = "sandbox_bank"

urlpatterns = [
    path("pay/<str:token>/", views.pay_page, name="pay"),
    path("api/<str:operation>/", views.api, name="api"),
]
