"""Pages of a county host that belong to farmers: batch traceability (public) and the seller's
own pages (/seller/, signed-in sellers only)."""

from django.urls import path

from farmers.views import seller, trace

app_name = "farmers"

urlpatterns = [
    path("trace/<str:code>/", trace.trace_batch, name="trace"),
    path("trace/<str:code>/qr.png", trace.trace_batch_qr, name="trace_qr"),
    path("seller/", seller.seller_home, name="seller_home"),
    path("seller/orders/", seller.seller_orders, name="seller_orders"),
    path("seller/statement/", seller.seller_statement_view, name="seller_statement"),
    path("seller/listings/new/", seller.seller_listing_new, name="seller_listing_new"),
    path(
        "seller/listings/<int:listing_id>/",
        seller.seller_listing_edit,
        name="seller_listing_edit",
    ),
    path(
        "seller/listings/<int:listing_id>/stock/",
        seller.seller_listing_stock,
        name="seller_listing_stock",
    ),
    path(
        "seller/listings/<int:listing_id>/photos/",
        seller.seller_listing_photos_add,
        name="seller_listing_photos_add",
    ),
    path(
        "seller/listings/<int:listing_id>/photos/<int:photo_id>/",
        seller.seller_listing_photo,
        name="seller_listing_photo",
    ),
    path(
        "seller/listings/<int:listing_id>/photos/<int:photo_id>/remove/",
        seller.seller_listing_photo_remove,
        name="seller_listing_photo_remove",
    ),
    path(
        "seller/listings/<int:listing_id>/submit/",
        seller.seller_listing_submit,
        name="seller_listing_submit",
    ),
    path(
        "seller/listings/<int:listing_id>/delist/",
        seller.seller_listing_delist,
        name="seller_listing_delist",
    ),
    path(
        "seller/listings/<int:listing_id>/relist/",
        seller.seller_listing_relist,
        name="seller_listing_relist",
    ),
    path(
        "seller/listings/<int:listing_id>/certifications/",
        seller.seller_certification_add,
        name="seller_certification_add",
    ),
    path(
        "seller/listings/<int:listing_id>/certifications/<int:certification_id>/remove/",
        seller.seller_certification_remove,
        name="seller_certification_remove",
    ),
    path(
        "seller/listings/<int:listing_id>/batches/",
        seller.seller_batch_add,
        name="seller_batch_add",
    ),
]
