from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "county_sites.orders"
    label = "orders"
    verbose_name = _("订单")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.county_apps import county_activity_start_register, county_month_figures_register
        from county_sites.orders.selectors import order_activity_start, order_month_figures
        from county_sites.orders.signals import cart_merge_on_login

        user_logged_in.connect(cart_merge_on_login, dispatch_uid="orders.cart_merge_on_login")
        county_month_figures_register("orders", order_month_figures)
        county_activity_start_register("orders", order_activity_start)
