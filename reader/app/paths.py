"""Where the reader keeps its files: settings, the user's data, and throw-away caches.

Resolved when the application starts (not at import), so tests and users can point
`XDG_CONFIG_HOME`, `XDG_DATA_HOME` and `XDG_CACHE_HOME` elsewhere; appdirs honours them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import appdirs

APP_NAME = "reader"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """The three directories the reader writes to; created lazily by whoever writes."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @classmethod
    def from_environment(cls) -> AppPaths:
        """The platform's directories for this user, honouring the XDG variables."""
        return cls(
            config_dir=Path(appdirs.user_config_dir(APP_NAME)),
            data_dir=Path(appdirs.user_data_dir(APP_NAME)),
            cache_dir=Path(appdirs.user_cache_dir(APP_NAME)),
        )

    @property
    def settings_file(self) -> Path:
        """Preferences and reading state, as JSON."""
        return self.config_dir / "settings.json"
