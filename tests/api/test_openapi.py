"""The OpenAPI document and the docs page of a county host's API."""

import json

from tests.api.conftest import API

PATHS = {
    "/api/v1/auth/sms-code/": {"post"},
    "/api/v1/auth/token/": {"post", "delete"},
    "/api/v1/catalogue/categories/": {"get"},
    "/api/v1/catalogue/listings/": {"get"},
    "/api/v1/catalogue/listings/{listing_id}/": {"get"},
    "/api/v1/search/": {"get"},
    "/api/v1/cart/": {"get", "delete"},
    "/api/v1/cart/lines/": {"post"},
    "/api/v1/cart/lines/{listing_id}/": {"patch", "delete"},
    "/api/v1/service-points/": {"get"},
    "/api/v1/delivery-zones/": {"get"},
    "/api/v1/orders/": {"get", "post"},
    "/api/v1/orders/{number}/": {"get"},
    "/api/v1/orders/{number}/cancel/": {"post"},
    "/api/v1/orders/{number}/payment/": {"get"},
    "/api/v1/orders/{number}/pay/": {"post"},
}


def test_openapi_json_loads_and_lists_every_path_and_method(county_client):
    response = county_client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in document["paths"].items()} == PATHS
    assert set(document["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert document["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_openapi_marks_the_idempotency_key_header_required(county_client):
    document = county_client.get(f"{API}/openapi.json").json()

    parameters = document["paths"]["/api/v1/orders/"]["post"]["parameters"]
    assert [(p["in"], p["name"], p["required"]) for p in parameters] == [
        ("header", "Idempotency-Key", True)
    ]


def test_docs_page_loads_its_assets_from_this_host_only(county_client):
    response = county_client.get(f"{API}/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assert f"{API}/docs/assets/swagger-ui-bundle.js" in html
    assert f"{API}/openapi.json" in html
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-init.js"):
        asset = county_client.get(f"{API}/docs/assets/{name}")
        assert asset.status_code == 200
        assert b"".join(asset.streaming_content)


def test_docs_assets_serve_only_the_swagger_files(county_client):
    assert county_client.get(f"{API}/docs/assets/__init__.py").status_code == 404
    assert county_client.get(f"{API}/docs/assets/..%2F__init__.py").status_code == 404


def test_the_api_is_not_on_the_hub_host(hub_client):
    assert hub_client.get(f"{API}/openapi.json").status_code == 404
