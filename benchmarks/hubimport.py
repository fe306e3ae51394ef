"""Placeholder until the hub's bundle import lands."""

from benchmarks.core import Unavailable


def run(ctx):
    raise Unavailable("hub import of bundles")
