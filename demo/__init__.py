"""Demo content for the three demo counties (安吉, 淳安, 遂昌), filled in by
`seed_demo` (demo/management/commands/seed_demo.py):
service points, delivery zones, sellers and approved listings with generated photos.

    from demo.fill import county_demo_fill
    county_demo_fill(county=county, progress=print)

Each county's content lives in its own module (anji.py, chunan.py, suichang.py).
"""
