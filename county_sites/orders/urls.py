from django.urls import path

from county_sites.orders import views

app_name = "orders"

urlpatterns = [
    path("cart/", views.cart_view, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/remove/", views.cart_remove, name="cart_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="list"),
    path("orders/<str:number>/", views.order_detail, name="detail"),
    path("orders/<str:number>/cancel/", views.order_cancel_view, name="cancel"),
    path("orders/<str:number>/refund/", views.refund_request_view, name="refund"),
    path(
        "refunds/<int:refund_id>/photos/<int:photo_id>/",
        views.refund_photo,
        name="refund_photo",
    ),
]
