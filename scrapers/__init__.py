"""The crawl: Scrapy settings, spiders, the one item pipeline and `crawl.run_crawl` (see DESIGN.md)."""
