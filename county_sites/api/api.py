"""The NinjaAPI of a county host, mounted at /api/v1/ by config.urls_county: its routers (one
module per resource), its errors (county_sites.api.errors) and its docs page
(county_sites.api.docs)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from county_sites.api import auth, cart, catalogue, orders, payments
from county_sites.api.docs import LocalSwagger, docs_asset
from county_sites.api.errors import error_handlers_install


class FengshouAPI(NinjaAPI):
    def _get_urls(self):
        return [
            *super()._get_urls(),
            path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
        ]


api = FengshouAPI(
    title="Fengshou county API",
    version="1",
    description=_("县域商城接口：商品、搜索、购物车、订单与支付状态。金额单位为分。"),
    urls_namespace="api_v1",
    docs=LocalSwagger(),
)
api.add_router("", auth.router)
api.add_router("", catalogue.router)
api.add_router("", cart.router)
api.add_router("", orders.router)
api.add_router("", payments.router)
error_handlers_install(api)
