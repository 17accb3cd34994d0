"""The benchmark reuses the test suite's settings and fixtures."""

pytest_plugins = ["tests.conftest"]
