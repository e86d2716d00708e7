"""The scale benchmark: a dedicated database at regional volume, timings of the pages and jobs, results as JSON.

`make bench` (SCALE=large, the default) or `make bench SCALE=small`; see bench/__main__.py.
"""
