"""The service-point clerk's console (/clerk/): a room above orders, so its pages may read the
county's orders for the clerk's own point (docs/architecture.md)."""
