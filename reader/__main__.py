"""``python -m reader`` does what the ``reader`` command does."""

import sys

from reader.app.main import main

if __name__ == "__main__":  # not when a spawned child process re-imports the main module
    sys.exit(main())
