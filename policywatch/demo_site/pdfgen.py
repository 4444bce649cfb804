"""A tiny PDF writer for Chinese text, so the demo and the tests can serve real PDF attachments.

The PDF uses a Type0 font with Identity-H encoding (two-byte codes = Unicode code
points) and a ToUnicode CMap, which is exactly what text extractors such as pypdf
read. The font (STSong-Light, one of the standard Adobe CJK fonts) is not embedded:
viewers substitute a local CJK font, extraction is exact.
"""
from __future__ import annotations

import textwrap
import zlib

LINES_PER_PAGE = 48
CHARS_PER_LINE = 38


def make_pdf(text: str, *, title: str = "") -> bytes:
    """A valid multi-page PDF whose extractable text is ``text`` (paragraphs separated by blank lines)."""
    lines = _layout(text)
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    chars = sorted({ch for line in lines for ch in line if ord(ch) <= 0xFFFF} | {" "})
    objects: list[bytes] = []
    page_ids = [5 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
                   b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>] "
                   b"/ToUnicode 4 0 R >>")
    objects.append(_stream(_to_unicode(chars)))
    for page_lines in pages:
        content_id = len(objects) + 2
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       f"<< /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>".encode())
        objects.append(_stream(_content(page_lines)))
    info = f"<< /Title <{_utf16(title)}> /Producer (policywatch demo) >>".encode()
    objects.append(info)
    return _assemble(objects, info_id=len(objects))


def _layout(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        lines.extend(textwrap.wrap(paragraph, CHARS_PER_LINE) or [""])
    return lines


def _content(lines: list[str]) -> bytes:
    parts = ["BT", "/F1 12 Tf", "16 TL", "50 800 Td"]
    for line in lines:
        codes = "".join(f"{ord(ch):04X}" for ch in line if ord(ch) <= 0xFFFF)
        parts.append(f"<{codes}> Tj T*")
    parts.append("ET")
    return "\n".join(parts).encode("ascii")


def _to_unicode(chars: list[str]) -> bytes:
    head = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
    body = []
    for start in range(0, len(chars), 100):
        chunk = chars[start:start + 100]
        body.append(f"{len(chunk)} beginbfchar")
        body += [f"<{ord(ch):04X}> <{ord(ch):04X}>" for ch in chunk]
        body.append("endbfchar")
    tail = "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    return (head + "\n".join(body) + tail).encode("ascii")


def _utf16(text: str) -> str:
    return ("FEFF" + text.encode("utf-16-be").hex().upper()) if text else ""


def _stream(data: bytes) -> bytes:
    packed = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"


def _assemble(objects: list[bytes], *, info_id: int) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, info_id, xref)
    return bytes(out)
