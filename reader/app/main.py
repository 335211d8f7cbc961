"""The `reader` command: a subcommand goes to the command line, anything else opens the window."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reader import __version__

COMMANDS = ("toc", "search", "annotate", "annotations", "export", "import", "lookup")


def build_parser() -> argparse.ArgumentParser:
    """The parser for starting the window; subcommands are routed to `reader.cli` first."""
    parser = argparse.ArgumentParser(
        prog="reader",
        description="A calm desktop reader for Chinese texts. With no PATH it reopens the "
        "document read last, where you left it (the bundled article the first time).",
        epilog="commands (run 'reader COMMAND --help' for each):\n"
        "  toc [PATH] [--json]                       print the document's sections\n"
        "  search QUERY [PATH] [--json] [--limit N]  find text in the document\n"
        "  annotate [PATH] --quote TEXT [--occurrence N] [--color C] [--note TEXT] [--tag T]\n"
        "                                            highlight a passage\n"
        "  annotations [PATH] [--json]               list the document's annotations\n"
        "  export [PATH] --format markdown|w3c [-o FILE]  export them\n"
        "  import FILE [PATH]                        import W3C JSON-LD annotations\n"
        "  lookup TEXT [--json]                      CC-CEDICT entries and pinyin\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", metavar="PATH", help="a text file to open")
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
    from reader.ui.launch import run_gui  # Qt is loaded only when a window is wanted

    return run_gui(Services.from_environment(), options.path, options.encoding)


if __name__ == "__main__":
    sys.exit(main())
