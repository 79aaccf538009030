from django.urls import path

from county_sites.payments import views

app_name = "payments"

urlpatterns = [
    path("notify/bank-gateway/", views.notify_bank_gateway, name="notify_bank_gateway"),
    path("pay/<str:number>/", views.pay, name="pay"),
    path("return/<str:number>/", views.payment_return, name="return"),
]
