"""The benchmarks' Python runs from the repository root as modules (`python3 -m bench.e2e`); see tests/__init__.py."""
