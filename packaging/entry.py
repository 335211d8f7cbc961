"""The frozen application's entry point (PyInstaller runs this file, not a console script)."""

import multiprocessing
import sys

from reader.app.main import main

if __name__ == "__main__":
    # The search index is built in a spawned child; in a frozen app the child is this same
    # executable, and freeze_support() turns it into the child instead of a second window.
    multiprocessing.freeze_support()
    sys.exit(main())
