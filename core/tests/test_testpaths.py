"""`make test` runs every app's tests: pytest only collects the apps listed in pyproject.toml's testpaths."""

import tomllib

from django.conf import settings


def test_every_app_with_tests_is_in_the_testpaths():
    config = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())
    testpaths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {path.parent.parent.name for path in settings.BASE_DIR.glob("*/tests/__init__.py")}
    assert with_tests - testpaths == set()
