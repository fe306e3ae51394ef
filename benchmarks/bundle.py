"""Placeholder until the station's bundle export lands."""

from benchmarks.core import Unavailable


def run(ctx):
    raise Unavailable("kjtui sync export")
