"""Tests that pass in the reference lane but not through this driver, each with its cause.
A name here does not hide a regression elsewhere: run.py still fails on any other difference."""
KNOWN = {
}
