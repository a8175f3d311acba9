"""SampleSite is a real HTTP server: these tests talk to it with urllib over 127.0.0.1."""
from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from releasewatch.sample_server import SAMPLE_SITE_DIR, SAMPLE_SOURCES, SAMPLE_UPDATES, SampleSite, sample_config


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


def test_serves_files_with_type_etag_and_last_modified(site: SampleSite) -> None:
    site.write("news/a.html", "<html><body>A</body></html>")
    status, headers, body = get(site.url("news/a.html"))
    assert status == 200
    assert body == b"<html><body>A</body></html>"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert site.url("/news/a.html") == site.url("news/a.html")
    assert site.url("x").startswith("http://127.0.0.1:")


def test_conditional_get_answers_304(site: SampleSite) -> None:
    site.write("a.html", "<p>a</p>")
    _, headers, _ = get(site.url("a.html"))
    assert get(site.url("a.html"), {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(site.url("a.html"), {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(site.url("a.html"), {"If-None-Match": '"other"'})[0] == 200


def test_missing_paths_and_escapes_are_404(site: SampleSite) -> None:
    assert get(site.url("nope.html"))[0] == 404
    assert get(site.url("../../etc/passwd"))[0] == 404


def test_switch_serves_the_newer_version_and_changes_the_etag(site: SampleSite) -> None:
    site.write("a.html", "<p>old</p>")
    site.write("v2/a.html", "<p>new</p>")
    _, old_headers, old = get(site.url("a.html"))
    site.switch("a.html", to="v2/a.html")
    _, new_headers, new = get(site.url("a.html"))
    assert (old, new) == (b"<p>old</p>", b"<p>new</p>")
    assert old_headers["ETag"] != new_headers["ETag"]
    site.switch("a.html", to=None)
    assert get(site.url("a.html"))[2] == b"<p>old</p>"


def test_configured_status_content_type_and_request_log(site: SampleSite) -> None:
    site.write("a.html", "<p>a</p>")
    site.write("doc.bin", b"\x00\x01")
    site.set_status("a.html", 500)
    site.set_content_type("doc.bin", "application/pdf")
    assert get(site.url("a.html"))[0] == 500
    assert get(site.url("doc.bin"))[1]["Content-Type"] == "application/pdf"
    site.set_status("a.html", None)
    assert get(site.url("a.html"))[0] == 200
    assert site.requests == [("GET", "/a.html", 500), ("GET", "/doc.bin", 200), ("GET", "/a.html", 200)]
    assert site.hits("a.html") == 2
    assert len(site.request_headers) == 3 and site.request_headers[0]["User-Agent"].startswith("Python-urllib")


def test_slow_path_delays_only_that_path(site: SampleSite) -> None:
    site.write("slow.html", "<p>slow</p>")
    site.write("fast.html", "<p>fast</p>")
    site.set_delay("slow.html", 5)
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        get(site.url("slow.html"), timeout=0.3)
    started = time.monotonic()
    assert get(site.url("fast.html"))[0] == 200
    assert time.monotonic() - started < 1


def test_stop_frees_the_port_even_with_a_sleeping_request(tmp_path) -> None:
    served = SampleSite(tmp_path).start()
    served.write("slow.html", "x")
    served.set_delay("slow.html", 30)
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        get(served.url("slow.html"), timeout=0.2)
    url = served.url("slow.html")
    started = time.monotonic()
    served.stop()
    assert time.monotonic() - started < 3
    with pytest.raises(urllib.error.URLError):
        get(url, timeout=1)


def test_bundled_sample_site_serves_every_configured_page(sample_site: SampleSite) -> None:
    assert get(sample_site.url("robots.txt"))[0] == 200
    for paths in SAMPLE_SOURCES.values():
        for path in paths:
            status, headers, body = get(sample_site.url(path))
            assert status == 200, path
            assert headers["Content-Type"].startswith("text/html")
            assert b"<time" in body and b"<nav" in body, path
    for path, newer in SAMPLE_UPDATES.items():
        assert (SAMPLE_SITE_DIR / newer).is_file()
        before = get(sample_site.url(path))[2]
        sample_site.switch(path, to=newer)
        assert get(sample_site.url(path))[2] != before
    config = sample_config(sample_site, "sqlite:///x.db")
    assert [s.name for s in config.sources] == list(SAMPLE_SOURCES)
    assert all(u.startswith(sample_site.base_url) for s in config.sources for u in s.urls)


def test_redirect_points_elsewhere(site: SampleSite) -> None:
    site.write("new.html", "<p>new</p>")
    site.redirect("old.html", "new.html")
    status, _, body = get(site.url("old.html"))
    assert (status, body) == (200, b"<p>new</p>")
    assert [(p, s) for _, p, s in site.requests] == [("/old.html", 301), ("/new.html", 200)]


def test_a_status_for_the_next_requests_only_with_extra_headers(site: SampleSite) -> None:
    site.write("flaky.html", "<p>ok</p>")
    site.set_status("flaky.html", 429, times=2, headers={"Retry-After": "3"})
    answers = [get(site.url("flaky.html"))[:2] for _ in range(3)]
    assert [status for status, _ in answers] == [429, 429, 200]
    assert [headers.get("Retry-After") for _, headers in answers] == ["3", "3", None]
    assert len(site.request_times) == 3 and site.request_times == sorted(site.request_times)


def test_a_generated_body_is_streamed_and_never_stored(site: SampleSite) -> None:
    site.generate("big.xml", lambda: (b"<n>%d</n>" % i for i in range(1000)), "application/xml")
    status, headers, body = get(site.url("big.xml"))
    assert (status, headers["Content-Type"]) == (200, "application/xml")
    assert body.startswith(b"<n>0</n><n>1</n>") and body.endswith(b"<n>999</n>")
    assert not (site.root / "big.xml").exists()
