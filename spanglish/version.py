"""The release number, from one place: `version` in pyproject.toml.

The project is deployed as a source tree, not an installed package, so
importlib.metadata has nothing to read; the file is parsed once at import. Settings
(APP_VERSION, the OpenAPI document's version) and the backup manifest all use this.
"""

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _read() -> str:
    with PYPROJECT.open("rb") as fh:
        return tomllib.load(fh)["project"]["version"]


__version__ = _read()
