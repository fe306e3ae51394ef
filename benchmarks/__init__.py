"""The project's own benchmark (budgets in README, Benchmarks): `python -m benchmarks [--quick]`.

Machines here are shared and noisy, so every figure is printed beside a floor measured in the same
run (a bare Textual app, a raw sqlite3 insert, ...). It reports; it never gates: a missed budget
still exits 0, only a broken benchmark exits non-zero. Nothing is imported here, so the app driver
subprocess (benchmarks/drive.py) starts as light as the bare app it is compared with.
"""
