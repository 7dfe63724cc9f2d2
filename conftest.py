# Wiring only: the regress plugin comes in through its pytest11 entry point (pyproject.toml).
pytest_plugins = ["pytester",  # for tests/self
                  "tests.self.catalog_plugin"]  # the mutation catalog's place and table, also on xdist's controller
