"""bytes -> Document: main text, title, published/updated dates, structured data.

Each HTML page is decoded once (HTTP header, BOM, <meta> charset, then sniffing; never raising on
odd encodings) and parsed once with lxml; that one tree feeds the structured-data reader, the
metadata reader, trafilatura (main text without boilerplate, with a plain fallback for pages it
rejects) and, only when the page states no date in its metadata, htmldate. Nothing here raises on
bad input: problems become `Document.warnings`.
"""
from __future__ import annotations

import codecs
import gzip
import importlib
import json
import re
from datetime import date
from typing import Any

from pipeline.errors import MissingDependency
from pipeline.extract.dates import day_first_language, visible_dates
from pipeline.model import Document
from pipeline.published_date import page_dates, url_date

__all__ = ["decode", "looks_like_html", "read_document", "read_html", "read_text", "url_date"]

MAX_HTML_CHARS = 3_000_000  # larger pages are truncated: article text is never that long
MAX_TEXT_CHARS = 1_000_000
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|div|p|meta|title|article|script|span|table)\b", re.IGNORECASE)
_BOILERPLATE_LINE = re.compile(r"^(?:skip to|image for|menu\b|search\b|sign in|log in|subscribe|advertisement|home\b)", re.I)


# ---------------------------------------------------------------- dependencies


def _require(module: str, name: str | None = None) -> Any:
    """`name` from a declared dependency, imported on first use (trafilatura alone takes 0.2 s).

    A failed import raises MissingDependency: only a page's own failures may fall back to the
    plain-text reader, never a broken installation.
    """
    try:
        imported = importlib.import_module(module)
        return getattr(imported, name) if name else imported
    except ImportError as exc:
        raise MissingDependency(module, str(exc)) from exc


# ---------------------------------------------------------------- decoding


def _valid_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def decode(body: bytes, headers: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """Decode page bytes: BOM, HTTP charset, <meta> charset, UTF-8, sniffing, cp1252 — never raises."""
    warnings: list[str] = []
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(enc, errors="replace"), warnings
    candidates: list[str] = []
    for k, v in (headers or {}).items():
        if k.lower() == "content-type":
            m = re.search(r"charset=([\w.:-]+)", v, re.IGNORECASE)
            if m and _valid_codec(m.group(1)):
                candidates.append(_valid_codec(m.group(1)))  # type: ignore[arg-type]
            elif m:
                warnings.append(f"unknown charset in Content-Type: {m.group(1)}")
    meta = _META_CHARSET.search(body[:8192])
    if meta:
        label = meta.group(1).decode("ascii", "replace")
        declared = _valid_codec(label)
        if declared:
            candidates.append(declared)
        else:
            warnings.append(f"unknown charset in <meta>: {label}")
    # A UTF-8 page that declares latin-1 is common; valid UTF-8 bytes are almost never anything else.
    try:
        text = body.decode("utf-8")
        return text, warnings
    except UnicodeDecodeError:
        pass
    for enc in candidates:
        if enc in ("utf-8", "ascii"):
            continue
        if enc in ("latin-1", "iso8859-1"):
            enc = "cp1252"  # browsers read ISO-8859-1 as windows-1252
        try:
            return body.decode(enc), warnings
        except (UnicodeDecodeError, LookupError):
            continue
    from_bytes = _require("charset_normalizer", "from_bytes")
    try:
        best = from_bytes(body[:200_000]).best()
        if best is not None and best.encoding:
            warnings.append(f"charset sniffed as {best.encoding}")
            return body.decode(best.encoding, errors="replace"), warnings
    except Exception:  # noqa: BLE001 - a sniffer failure must not lose the page
        pass
    warnings.append("undecodable bytes replaced")
    return body.decode("cp1252", errors="replace"), warnings


def looks_like_html(body: bytes) -> bool:
    return bool(_HTML_SNIFF.search(body[:2048]))


# ---------------------------------------------------------------- structured data


def _flatten(obj: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(obj, list):
        for x in obj:
            _flatten(x, out, depth + 1)
    elif isinstance(obj, dict):
        if "@type" in obj:
            out.append(obj)
        for key, value in obj.items():
            if key == "@graph" or (isinstance(value, (dict, list)) and key in ("mainEntity", "about", "itemListElement", "item", "subjectOf", "workPresented")):
                _flatten(value, out, depth + 1)


def json_ld(tree: Any, warnings: list[str]) -> list[dict[str, Any]]:
    """JSON-LD objects of the page (nested @graph / mainEntity flattened), each with an "@type"."""
    out: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", raw)
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except ValueError:
                warnings.append("unparseable JSON-LD block skipped")
                continue
        _flatten(data, out)
    return out


def microdata(tree: Any) -> list[dict[str, Any]]:
    """schema.org microdata Movie/ScreeningEvent items, reduced to name/director/actor/datePublished."""
    out: list[dict[str, Any]] = []
    for item in tree.xpath("//*[@itemscope][contains(@itemtype,'schema.org/Movie') or contains(@itemtype,'ScreeningEvent')]")[:20]:
        obj: dict[str, Any] = {"@type": str(item.get("itemtype", "")).rstrip("/").rsplit("/", 1)[-1]}
        for prop in item.xpath(".//*[@itemprop]")[:200]:
            key = prop.get("itemprop")
            value = prop.get("content") or prop.get("datetime") or " ".join(prop.text_content().split())
            if key in ("director", "actor", "actors"):
                obj.setdefault(key, []).append(value)
            elif key in ("name", "datePublished") and key not in obj:
                obj[key] = value
        out.append(obj)
    return out


# ---------------------------------------------------------------- dates and title


def _title(tree: Any, objects: list[dict[str, Any]]) -> str | None:
    for xp in ("//meta[@property='og:title']/@content", "//meta[@name='twitter:title']/@content", "//h1", "//title"):
        for node in tree.xpath(xp)[:1]:
            text = node if isinstance(node, str) else node.text_content()
            text = " ".join(str(text).split())
            if text:
                return text
    for obj in objects:
        if isinstance(obj.get("headline"), str):
            return obj["headline"].strip()
    return None


def _language(tree: Any) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not lang:
        for v in tree.xpath("//meta[@http-equiv='content-language' or @property='og:locale']/@content")[:1]:
            lang = v
    return str(lang).strip().replace("_", "-") if lang else None


# ---------------------------------------------------------------- main text


def _emphasis(tree: Any) -> list[str]:
    """Short title-like phrases set in italics or <cite> (how many sites write film titles)."""
    out: list[str] = []
    for el in tree.iter("i", "em", "cite"):
        text = " ".join(el.text_content().split()).strip(" ,.;:")
        if 1 <= len(text.split()) <= 8 and text[:1].isupper() and text not in out:
            out.append(text)
            if len(out) >= 200:
                break
    return out


def _paragraphs(text: str) -> str:
    """Normalise whitespace: one paragraph a line, paragraphs separated by a blank line."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _fallback_text(tree: Any) -> str:
    """Text of the page's prose blocks, for pages trafilatura rejects (too short, odd markup)."""
    blocks: list[str] = []
    for el in tree.iter("h1", "h2", "h3", "p", "li", "blockquote", "td", "pre"):
        if any(a.tag in ("nav", "footer", "script", "style", "form", "noscript") for a in el.iterancestors()):
            continue
        text = " ".join(el.text_content().split())
        if len(text) > 1 and text not in blocks[-3:]:
            blocks.append(text)
    if not blocks:
        body = tree.find(".//body")
        node = body if body is not None else tree
        for bad in node.xpath(".//script | .//style | .//noscript"):
            bad.drop_tree() if bad.getparent() is not None else None
        blocks = [node.text_content()]
    return "\n".join(blocks)


def _main_text(tree: Any, url: str | None, warnings: list[str]) -> str:
    bare_extraction = _require("trafilatura", "bare_extraction")
    try:
        result = bare_extraction(tree, url=url, fast=True, include_comments=False, with_metadata=False)
        text = getattr(result, "text", None) if result is not None else None
        if text and text.strip():
            return text
        warnings.append("trafilatura found no main text; used the plain-text fallback")
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - odd markup must not lose the page
        warnings.append(f"trafilatura failed ({type(exc).__name__}); used the plain-text fallback")
    try:
        return _fallback_text(tree)
    except (Exception, RecursionError):  # noqa: BLE001
        warnings.append("no text could be read from the markup")
        return ""


# ---------------------------------------------------------------- public API


def read_html(
    body: bytes,
    *,
    source: str,
    url: str | None = None,
    headers: dict[str, str] | None = None,
    published_hint: date | None = None,
) -> Document:
    """Read an HTML page into a Document; never raises (problems become warnings)."""
    warnings: list[str] = []
    try:
        return _read_html(body, source=source, url=url, headers=headers, published_hint=published_hint, warnings=warnings)
    except MissingDependency:
        raise  # a broken installation, not a broken page: every page would silently lose its markup
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - a page is data, never a crash
        warnings.append(f"HTML could not be read ({type(exc).__name__}: {exc}); read as text")
        text, _ = decode(body or b"", headers)
        text = re.sub(r"<[^>]{0,2000}>", " ", text[:MAX_HTML_CHARS])
        doc = read_text(text, source=source)
        return Document(source=source, text=doc.text, title=doc.title, url=url,
                        published=doc.published or published_hint, updated=doc.updated,
                        warnings=tuple(warnings) + doc.warnings)


def _read_html(
    body: bytes, *, source: str, url: str | None, headers: dict[str, str] | None,
    published_hint: date | None, warnings: list[str],
) -> Document:
    lxml_html = _require("lxml.html")
    if not body or not body.strip():
        warnings.append("empty page")
        return Document(source=source, text="", url=url, published=published_hint, warnings=tuple(warnings))
    html, decode_warnings = decode(body, headers)
    warnings += decode_warnings
    if len(html) > MAX_HTML_CHARS:
        warnings.append(f"page of {len(html)} characters truncated to {MAX_HTML_CHARS}")
        html = html[:MAX_HTML_CHARS]
    html = _XML_DECL.sub("", html).replace("\x00", "")
    if not html.strip():
        warnings.append("empty page")
        return Document(source=source, text="", url=url, published=published_hint, warnings=tuple(warnings))
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
    tree = lxml_html.document_fromstring(html, parser=parser)
    objects = json_ld(tree, warnings) + microdata(tree)
    language = _language(tree)
    day_first = day_first_language(language)
    title = _title(tree, objects)
    emphasis = _emphasis(tree)
    text = _paragraphs(_main_text(tree, url, warnings))[:MAX_TEXT_CHARS]
    published, updated = page_dates(tree, objects, url=url, text=text, day_first=day_first, hint=published_hint)
    if not text:
        warnings.append("no main text found")
    return Document(
        source=source, text=text, title=title, url=url, published=published, updated=updated,
        language=language, structured=tuple(objects), warnings=tuple(warnings), emphasis=tuple(emphasis),
    )


def read_text(text: str, *, source: str) -> Document:
    """Read plain article text: the text itself, a title line, dates printed near the top."""
    warnings: list[str] = []
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if len(text) > MAX_TEXT_CHARS:
        warnings.append(f"text of {len(text)} characters truncated to {MAX_TEXT_CHARS}")
        text = text[:MAX_TEXT_CHARS]
    if not text.strip():
        warnings.append("empty text")
    title = next(
        (line.strip() for line in text.splitlines()[:8]
         if len(line.split()) >= 3 and len(line) < 200 and not _BOILERPLATE_LINE.match(line.strip())),
        None,
    )
    published, updated = visible_dates(text)
    return Document(source=source, text=text, title=title, published=published, updated=updated, warnings=tuple(warnings))


def read_document(
    body: bytes,
    *,
    source: str,
    url: str | None = None,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
    published_hint: date | None = None,
) -> Document:
    """Read bytes of any kind: gzip is unpacked, HTML goes to read_html, anything else to read_text."""
    body = body or b""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError):
            pass
    ctype = (content_type or next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), "") or "").lower()
    if "html" in ctype or "xml" in ctype or (not ctype.startswith("text/plain") and looks_like_html(body)):
        return read_html(body, source=source, url=url, headers=headers, published_hint=published_hint)
    text, warnings = decode(body, headers)
    if b"\x00" in body[:4096] and not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        warnings.append("binary content read as text")
    doc = read_text(text, source=source)
    return Document(source=source, text=doc.text, title=doc.title, url=url, published=doc.published or published_hint,
                    updated=doc.updated, warnings=tuple(warnings) + doc.warnings)

