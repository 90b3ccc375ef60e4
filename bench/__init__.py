"""Scale-data generator and benchmarks (run with `make bench`; not part of the test suite)."""
