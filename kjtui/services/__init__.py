"""Use cases in plain Python: plain values in, plain values out. Never imports textual."""
