"""Framework-free core of releasewatch: reading documents, extracting claims, diffing, reporting.

Nothing in this package talks to the network, opens database sessions or imports Scrapy; every
function takes plain values and returns plain frozen dataclasses.
"""
