"""The county's JSON API under /api/v1/ (django-ninja): catalogue, search, cart, orders and
payment status for phone apps, on the same services and selectors as the pages."""
