"""The appointment form through the proxies docs/deploy.md puts in front of the app:
Varnish with the shipped VCL, and nginx (the TLS proxy's place) in front of it.

Every request a patient sends is stored once: none lost, none twice; a form
open in two tabs works from either; the rate limit holds back one client,
never the others behind the same proxies.
"""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup

from tests.faults.deployment import browser_at, count_rows, point_site_at

FORM = "/request-appointment/"
REQUESTS = "appointments_appointmentrequest"


def load_form(browser, base):
    """GET the form as a browser would; the data it would send, filled in by a patient."""
    response = browser.get(base + FORM, timeout=30)
    assert response.status_code == 200, response.status_code
    form = BeautifulSoup(response.content, "html.parser").find("form", class_="appointment-form")
    data = {
        field["name"]: field.get("value", "")
        for field in form.find_all("input", attrs={"type": "hidden"})
    }
    for name in ("preferred_contact", "patient_status", "location", "preferred_times"):
        data[name] = form.find("input", attrs={"name": name})["value"]
    data.update(
        first_name="Ann",
        last_name="Patient",
        phone="(203) 555-0142",
        email="ann@example.com",
        reason="not-sure",
        consent="on",
        website="",
    )
    return data


def send(browser, base, data, **headers):
    return browser.post(base + FORM, data=data, timeout=30, allow_redirects=False, headers=headers)


class TestThroughVarnish:
    def test_a_form_open_in_two_tabs_is_sent_from_either(self, site_env, serve, varnish_in_front):
        site_env["APPOINTMENT_MIN_FILL_SECONDS"] = "0"
        node = serve(site_env, workers=2)
        front = varnish_in_front(node.port)
        point_site_at(site_env, front.url.removeprefix("http://"))
        browser = requests.Session()
        first_tab = load_form(browser, front.url)
        second_tab = load_form(browser, front.url)  # the same browser, its cookie sent again
        sent_first = send(browser, front.url, first_tab)
        assert sent_first.status_code == 302, sent_first.status_code
        sent_second = send(browser, front.url, second_tab)
        assert sent_second.status_code == 302, sent_second.status_code
        thanks = browser.get(urljoin(front.url, sent_second.headers["Location"]), timeout=30)
        assert thanks.status_code == 200
        assert count_rows(site_env, REQUESTS) == 2


class TestBehindNginxAndVarnish:
    """The documented chain: nginx (the TLS proxy's place) appends the client to
    X-Forwarded-For, Varnish appends nginx, gunicorn sees Varnish."""

    LIMIT = 3

    def test_the_rate_limit_holds_back_one_client_and_takes_the_others(
        self, site_env, serve, varnish_in_front, nginx_in_front
    ):
        site_env.update(
            APPOINTMENT_MIN_FILL_SECONDS="0",
            APPOINTMENT_RATE_LIMIT=str(self.LIMIT),
            TRUSTED_PROXY_COUNT="2",
        )
        node = serve(site_env, workers=2)
        varnish = varnish_in_front(node.port)
        front = nginx_in_front(varnish.port)
        point_site_at(site_env, front.url.removeprefix("http://"))
        before = count_rows(site_env, REQUESTS)

        busy = browser_at("127.0.0.2")
        forms = [load_form(busy, front.url) for _ in range(self.LIMIT + 2)]
        # The busy client's posts, with a forged X-Forwarded-For on the extra ones.
        answers = [send(busy, front.url, data).status_code for data in forms[: self.LIMIT]]
        answers += [
            send(busy, front.url, data, **{"X-Forwarded-For": "198.51.100.7"}).status_code
            for data in forms[self.LIMIT :]
        ]
        assert answers == [302] * self.LIMIT + [429, 429]

        # Meanwhile every other patient behind the same proxies is taken, in parallel.
        def patient(number):
            browser = browser_at(f"127.0.0.{10 + number}")
            return send(browser, front.url, load_form(browser, front.url)).status_code

        with ThreadPoolExecutor(4) as pool:
            others = list(pool.map(patient, range(8)))
        assert others == [302] * 8
        # 0 lost, 0 stored twice: one row per accepted post.
        assert count_rows(site_env, REQUESTS) - before == self.LIMIT + 8
