# Wiring only: the suite's behaviour lives in the regress plugin.
pytest_plugins = ["regress.plugin", "pytester"]  # pytester: for tests/self
