"""Benchmarks: run by hand or `make bench`, never by pytest (bench/README.md)."""
