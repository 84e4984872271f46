"""Benchmarks: `python -m bench [--json] [--only NAME]`.

Each benchmark reports figures measured in one run, with a ratio against a baseline taken in
the same run where one makes sense, because this machine is shared and noisy.
"""
