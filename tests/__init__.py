"""Python of the tests, importable from the repository root: the shared harness is `tests.harness`.

Scripts run from the root as modules (`python3 -m tests.piglit.run`, `bench.resize`, `tools.demo.demo`);
pytest finds the root through pytest.ini.  A regular package, so an installed `tests` cannot shadow it.
"""
