"""The one check of an E-utilities reply body, before and while it is parsed as XML.

Every parser of :mod:`enrich.entrez` reads its body through here, so what a body
means is decided in one place, by exception type:

* a complete reply that states an error or cannot be used raises
  :class:`~enrich.errors.ErrorReply` and is never asked again: a JSON error
  (``{"error": ...}``), an HTML page, an ``<ERROR>`` element, a root element other
  than the one asked for, XML that is malformed although it ends where its root
  element ends (an entity bomb among them);
* a reply cut short raises :class:`~enrich.errors.TruncatedReply`, which is
  transient, so the client asks again: an empty body, or XML that ends before its
  root element does, or JSON that ends before its value does (:func:`parse_json`);
* NCBI's rate-limit error (``{"error": "API rate limit exceeded"}``), sent with HTTP 429
  but possibly with a 200, raises :class:`~enrich.errors.RateLimited`: asked again
  after a wait, like the 429.

The XML parser never resolves entities, never loads a DTD and never touches the
network, so an entity bomb or an external entity in a reply is inert.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree
from lxml.etree import _Element

from enrich.errors import BadResponse, ErrorReply, EutilsError, RateLimited, TruncatedReply

__all__ = [
    "PARSER_OPTIONS",
    "check_body",
    "check_root",
    "parse_json",
    "parse_xml",
    "syntax_error",
]

#: The safe-parser settings shared by every parser (see the module docstring).
PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}

#: the name of the first element of a document, past its prolog (``<?xml``, ``<!DOCTYPE``)
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_HTML = "an HTML page instead of XML (NCBI sent an error or web page)"


def check_body(data: bytes, what: str) -> None:
    """Raise for a body that is plainly not XML: empty (cut), JSON or HTML (errors)."""
    head = data[:512].lstrip().lower()
    if not head:
        raise TruncatedReply(f"empty {what}")
    if head.startswith((b"{", b"[")):
        raise _json_error(data, what)
    if head.startswith((b"<!doctype html", b"<html")):
        raise ErrorReply(f"{what}: {_HTML}")


def parse_xml(data: bytes, what: str) -> _Element:
    """The root element of a whole (small) XML body, parsed with the safe settings.

    Raises BadResponse (see the module docstring) for anything that is not XML.
    """
    check_body(data, what)
    parser = etree.XMLParser(**PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, data, what) from exc
    if root is None:  # lxml returns None for some recovered empty documents
        raise TruncatedReply(f"empty {what}")
    return root


def parse_json(data: bytes, what: str) -> Any:
    """The value of a whole JSON body (asked with ``retmode=json``).

    Raises TruncatedReply for an empty body or JSON that ends before its value does, and
    ErrorReply for an HTML page, JSON malformed before its end, or NCBI's top-level
    ``{"error": ...}`` (e.g. "Too many UIDs in request").
    """
    head = data[:512].lstrip().lower()
    if not head:
        raise TruncatedReply(f"empty {what}")
    if head.startswith((b"<!doctype html", b"<html")):
        raise ErrorReply(f"{what}: {_HTML}")
    try:
        body = json.loads(data)
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the very end is a cut
        cut = exc.end >= len(data)
        raise (TruncatedReply if cut else ErrorReply)(f"{what}: not UTF-8: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        # the parser ran out of input (a string left open runs to the end): the body was cut
        if exc.pos >= len(data.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise TruncatedReply(f"truncated {what}: {exc.msg}") from exc
        raise ErrorReply(f"malformed {what}: {exc.msg} at character {exc.pos}") from exc
    if isinstance(body, dict) and "error" in body:
        raise _ncbi_error(body["error"], f"NCBI error in {what}: {body['error']}")
    return body


def check_root(root: _Element | None, expected: str, what: str) -> None:
    """Raise ErrorReply unless ``root`` is the ``expected`` element and holds no ``<ERROR>``.

    None (a stream whose root has not been seen yet) passes.
    """
    if root is None:
        return
    if root.tag == "html":
        raise ErrorReply(f"{what}: {_HTML}")
    error = root.find("ERROR")
    if error is not None:
        text = " ".join(etree.tostring(error, method="text", encoding="unicode").split())
        raise ErrorReply(f"NCBI error in {what}: {text or 'empty ERROR'}")
    if root.tag != expected:
        raise ErrorReply(f"{what}: expected <{expected}>, got <{root.tag}>")


def syntax_error(exc: etree.XMLSyntaxError, data: bytes, what: str) -> BadResponse:
    """The error for XML that does not parse: cut short, or malformed although complete."""
    if _ends_its_root(data):
        return ErrorReply(f"malformed {what}: {exc}")
    return TruncatedReply(f"truncated {what}: {exc}")


def _ends_its_root(data: bytes) -> bool:
    """Whether ``data`` ends where its first element ends (``</name>`` or ``<name .../>``)."""
    first = _FIRST_ELEMENT.search(data)
    if first is None:
        return False
    name = re.escape(first[1])
    tail = data[-(len(first[1]) + 64) :].rstrip()
    if re.search(rb"</" + name + rb"\s*>\Z", tail):
        return True
    return tail.endswith(b"/>") and data.rstrip().find(b">", first.end()) == len(data.rstrip()) - 1


def _json_error(data: bytes, what: str) -> EutilsError:
    """The error of a JSON body where XML was asked: NCBI's ``{"error": ...}`` where it
    has one."""
    try:
        body = json.loads(data)
    except ValueError:
        return ErrorReply(f"{what}: malformed JSON instead of XML")
    if isinstance(body, dict) and "error" in body:
        return _ncbi_error(body["error"], f"{what}: NCBI error: {body['error']}")
    return ErrorReply(f"{what}: JSON instead of XML")


def _ncbi_error(message: object, text: str) -> EutilsError:
    """The error, saying ``text``, of NCBI's JSON ``{"error": message}``: RateLimited for
    its rate-limit error (``"API rate limit exceeded"``, ../shared/ncbi/FACTS.md §4: NCBI
    signals it by this text alone when it sends it with a 200), ErrorReply for any other."""
    return (RateLimited if "rate limit" in str(message).lower() else ErrorReply)(text)
