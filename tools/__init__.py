"""Python tools run from the repository root as modules (`python3 -m tools.demo.demo`); see tests/__init__.py."""
