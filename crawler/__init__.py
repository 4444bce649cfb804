"""The Scrapy project: spiders, the normalisers and the one ingest path."""
