from tests.security.urls_boom import county as urlpatterns  # noqa: F401
