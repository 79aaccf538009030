"""The county catalogue: category pages, product pages and search (plain Django views, no
Wagtail pages), reading through county_sites.catalogue.selectors."""
