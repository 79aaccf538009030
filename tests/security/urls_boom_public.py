from tests.security.urls_boom import public as urlpatterns  # noqa: F401
