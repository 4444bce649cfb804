"""Pure text-in / data-out comparison of Chinese policy documents with tracked plans.

Imports nothing else of ours and does no I/O (DESIGN.md).
"""
