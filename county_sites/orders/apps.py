from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "county_sites.orders"
    label = "orders"
    verbose_name = _("订单")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.county_apps import county_figures_register
        from county_sites.orders.selectors import order_county_figures
        from county_sites.orders.signals import cart_merge_on_login

        user_logged_in.connect(cart_merge_on_login, dispatch_uid="orders.cart_merge_on_login")
        county_figures_register("orders", order_county_figures)
