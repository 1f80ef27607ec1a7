"""The benchmark behind `make bench`: the app against a bare ceiling under the same gunicorn."""
