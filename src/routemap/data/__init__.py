"""Data tables shipped with routemap (aliases, regions)."""
