"""Reusable widgets. Widgets never touch the database."""
