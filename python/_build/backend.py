"""setuptools' build backend, found offline.

pip builds a package in an isolated environment into which it installs the
build requirements from an index. With none declared, nothing is
downloaded; this backend then uses the setuptools (and wheel) of the
interpreter running the build, which pip's isolation hides from sys.path.
"""

import site
import sys

try:
    import setuptools.build_meta as _meta
except ImportError:
    for _p in site.getsitepackages():
        if _p not in sys.path:
            sys.path.append(_p)
    try:
        import setuptools.build_meta as _meta
    except ImportError as e:
        raise ImportError("building kxrun needs setuptools: `pip install setuptools`, "
                          "or on Debian `apt-get install python3-setuptools`") from e

from setuptools.build_meta import *  # noqa: E402,F401,F403


def get_requires_for_build_wheel(config_settings=None):
    # Old setuptools asks for "wheel" here, which pip would try to download;
    # it is needed only when it cannot be imported.
    try:
        import wheel  # noqa: F401
    except ImportError:
        return _meta.get_requires_for_build_wheel(config_settings)
    return []
