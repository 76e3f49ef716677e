"""Where tf_imgtrans keeps generated and downloaded data."""

from __future__ import annotations

import os

HOME_ENV = "TF_IMGTRANS_HOME"


def cache_home() -> str:
    """The cache root: ``$TF_IMGTRANS_HOME`` if set, else ``~/.cache/tf_imgtrans``.

    The folder is not created here; writers create what they need under it.
    """
    home = os.environ.get(HOME_ENV)
    if home:
        return os.path.abspath(os.path.expanduser(home))
    return os.path.join(os.path.expanduser("~"), ".cache", "tf_imgtrans")
