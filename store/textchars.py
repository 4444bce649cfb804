"""The characters no stored or rendered text may hold — declared once.

C0 and C1 control characters other than newline and tab (``\\x1b`` of a terminal escape,
``\\x07``), DEL, lone surrogates and the non-characters U+FFFE/U+FFFF: XML 1.0 forbids all
but the C1 range (which terminals obey as controls), and a single one makes a feed reader
reject a whole feed. The normaliser strips them from every Document
(:mod:`crawler.normalise.sanitise`); the shell strips them again at every output
(:func:`policywatch.textsafe.clean_text`).

Imports nothing: the shell imports it at use, so ``policywatch --help`` loads no engine.
"""
from __future__ import annotations

import re

#: One character no text may hold (see the module docstring).
ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
