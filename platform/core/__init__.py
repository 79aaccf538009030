"""The shared bottom layer (docs/architecture.md): what every app needs and no app owns.

Nothing here imports a project app; every project app may import from here.
"""
