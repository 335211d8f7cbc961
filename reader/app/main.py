"""The `reader` command: a subcommand goes to the command line, anything else opens the window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reader import __version__

COMMANDS = (
    "toc",
    "text",
    "search",
    "annotate",
    "annotations",
    "export",
    "import",
    "library",
    "lookup",
    "sync",
)


def build_parser() -> argparse.ArgumentParser:
    """The parser for starting the window; subcommands are routed to `reader.cli` first."""
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A calm desktop reader for Chinese texts. With no PATH it reopens the "
        "document read last, where you left it (the bundled article the first time).",
        epilog="commands (run 'reader COMMAND --help' for each):\n"
        "  toc [PATH] [--json]                       print the document's sections\n"
        "  text [PATH] [--characters simplified|traditional]  print its canonical text\n"
        "  search QUERY [PATH | --all] [--json] [--limit N]\n"
        "                                            find text in the document or the library\n"
        "  annotate [PATH] --quote TEXT [--occurrence N] [--color C] [--note TEXT] [--tag T]\n"
        "                                            highlight a passage\n"
        "  annotations [PATH | --all] [--json]       list annotations\n"
        "  export [PATH | --all] --format markdown|w3c|kindle|koreader [-o FILE]\n"
        "                                            export them\n"
        "  import FILE [PATH] [--from FORMAT]        import highlights (Kindle, KOReader,\n"
        "                                            calibre, Foliate, Hypothesis, W3C)\n"
        "  library [list|add PATH...|remove ID...] [--json]  the library of your documents\n"
        "  lookup TEXT [--json]                      CC-CEDICT entries and pinyin\n"
        "  sync [--folder DIR] [--status] [--json]   merge annotations with your other machines\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "path", nargs="?", metavar="PATH", help="a file to open (text, EPUB, HTML, Markdown)"
    )
    parser.add_argument("--encoding", help="decode PATH with this encoding instead of detecting")
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reader` command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in COMMANDS:
        from reader.cli.main import run_in_shell  # the command line's modules only when asked

        return run_in_shell(arguments)
    options = build_parser().parse_args(arguments)
    from reader.app.services import Services
    from reader.ui.pyside_imports import skip_source_scans

    skip_source_scans()  # before the window's modules: PySide would read each one's source
    from reader.ui.launch import run_gui  # Qt is loaded only when a window is wanted

    return run_gui(Services.from_environment(), options.path, options.encoding)


if __name__ == "__main__":
    sys.exit(main())
