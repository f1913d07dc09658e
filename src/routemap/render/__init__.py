"""Renderers that turn publishable aggregates into files: map, tables."""
