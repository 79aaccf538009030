"""Thin glue: an anonymous visitor's session cart follows them when they sign in."""

from django.db import connection
from django_tenants.utils import get_public_schema_name

from county_sites.orders.selectors import SESSION_CART
from county_sites.orders.services import cart_merge

__all__ = ["cart_merge_on_login"]


def cart_merge_on_login(sender, request, user, **kwargs):
    if request is None or connection.schema_name == get_public_schema_name():
        return
    session_lines = request.session.get(SESSION_CART)
    if not session_lines:
        return
    cart_merge(user=user, session_lines=session_lines)
    request.session.pop(SESSION_CART, None)
