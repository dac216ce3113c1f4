"""What patients and the front desk type never reaches the access log of `make serve`."""

import requests


def test_the_access_log_keeps_method_path_and_status_but_no_query_string(site_env, serve):
    log = site_env["CACHE_DIR"] + ".access.log"
    node = serve({**site_env, "GUNICORN_ACCESS_LOG": log}, workers=1)
    searched = requests.get(node.url + "/search/?q=John+Smith", timeout=30)
    front_desk = requests.get(
        node.url + "/admin/appointment-requests/?q=ann%40example.com",
        allow_redirects=False,
        timeout=30,
    )
    assert searched.status_code == 200 and front_desk.status_code == 302
    node.stop()

    with open(log) as lines:
        written = lines.read()
    assert '"GET /search/ HTTP/1.1" 200' in written
    assert '"GET /admin/appointment-requests/ HTTP/1.1" 302' in written
    for typed in ("John", "Smith", "ann", "example.com", "?q", "%40"):
        assert typed not in written
