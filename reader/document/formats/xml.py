"""One hardened XML parser for everything inside a book (OPF, NCX, nav, XHTML)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from reader.document.errors import DocumentError


class BrokenXmlError(DocumentError):
    """A file inside a book is not well-formed XML."""


def _parser() -> Any:
    # No DTD is loaded, no entity is expanded (billion laughs, external entities), nothing is
    # fetched, and libxml2's own limits on depth and text size stay on (huge_tree=False).
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=True,
    )


def parse_xml(data: bytes, name: str) -> Any:
    """The root element of `data`; BrokenXmlError (naming `name`) if it is not XML."""
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as error:
        raise BrokenXmlError(f"{name} is not well-formed XML ({error}).") from None
    if root is None:
        raise BrokenXmlError(f"{name} is empty.")
    return root


def local_name(element: Any) -> str:
    """The tag without its namespace, lowercased; "" for comments and processing
    instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()
