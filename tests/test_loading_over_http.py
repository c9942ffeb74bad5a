"""Users load the package from a URL with frictionless: every table arrives whole."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from conftest import ROOT
from frictionless import Package


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def base_url():
    handler = functools.partial(_QuietHandler, directory=str(ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_every_resource_reads_over_http_with_local_row_counts(base_url):
    remote = Package(f"{base_url}/datapackage.json")
    local = Package(str(ROOT / "datapackage.json"))
    assert remote.resource_names == local.resource_names
    for name in local.resource_names:
        resource = remote.get_resource(name)
        assert resource.path.startswith("data/")
        assert len(resource.read_rows()) == len(local.get_resource(name).read_rows())


def test_the_package_validates_over_http_including_hashes(base_url):
    report = Package(f"{base_url}/datapackage.json").validate()
    assert report.valid, report.flatten(["type", "message"])[:5]
