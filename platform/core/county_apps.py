"""The one interface through which the province asks the county apps for what it needs,
without importing them: each county app registers its part in its AppConfig.ready().

- county figures: the roll-up of a county (users, sellers, orders, sales, pages), each app
  counting its own rows, run inside the county's schema (hub.tasks.county_refresh_stats);
- county setup: what a new (or upgraded) county schema needs from an app, such as the
  storefront's home page and Wagtail site (hub.services.county_create).
"""

from collections.abc import Callable

_figures: dict[str, Callable[[], dict]] = {}
_setup_steps: dict[str, Callable[..., object]] = {}


def county_figures_register(name: str, provider: Callable[[], dict]) -> None:
    """`provider()` returns this app's figures of the current county schema."""
    _figures[name] = provider


def county_figures() -> dict:
    """Every registered app's figures of the county whose schema is current, merged."""
    figures: dict = {}
    for name, provider in _figures.items():
        part = provider()
        overlap = set(part) & set(figures)
        if overlap:
            raise RuntimeError(f"{name} reports figures another app reports: {sorted(overlap)}")
        figures.update(part)
    return figures


def county_setup_register(name: str, step: Callable[..., object]) -> None:
    """`step(county=..., domain=...)` runs inside the county's schema; safe to run again."""
    _setup_steps[name] = step


def county_setup(*, county, domain: str) -> None:
    """Run every registered setup step in the current county schema, in registration order
    (the order of INSTALLED_APPS)."""
    for step in _setup_steps.values():
        step(county=county, domain=domain)
