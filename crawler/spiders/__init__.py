"""The policywatch spiders: ``miit`` (MIIT columns and search API), ``feeds`` (RSS/Atom), ``pages``.

Each takes its sources as spider arguments (see :class:`crawler.spiders.base.SourceSpider`).
"""
