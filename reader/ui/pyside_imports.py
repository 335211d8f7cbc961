"""PySide's toll on every later import, lifted: the window's modules load without it.

Once `PySide6.QtCore` is loaded, PySide sees every import in the process: for its opt-in
`from __feature__ import snake_case` it records, per module, whether the module uses PySide,
and finds out by reading the module's *source file* and searching it for "PySide6"
(`shibokensupport.feature._mod_uses_pyside`, through `inspect.getsource`). Before the first
page that is some 180 files read and tokenised again although their bytecode is cached: 20 to
40 ms of the start (see napari issue #8584).

The reader never selects a feature, so the answer changes nothing it does: every module gets
the answer PySide gives its own users, "uses PySide, no feature selected" (select id 0), the
state the reader's Qt modules had anyway, without reading a file.
"""

from __future__ import annotations

import sys
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"


def _uses_pyside(_module: ModuleType) -> bool:
    return True


def skip_source_scans() -> bool:
    """Load Qt's core and stop PySide reading each later module's source; False when this
    PySide has no such scan (then there is nothing to skip)."""
    import PySide6.QtCore  # noqa: F401  (it installs the import hook this answers for)

    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]  # PySide-private
    return True
