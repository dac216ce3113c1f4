"""The appointment form through the proxies docs/deploy.md puts in front of the app:
Varnish with the shipped VCL, and nginx (the TLS proxy's place) in front of it.

Every request a patient sends is stored once: none lost, none twice; a form
open in two tabs works from either; the rate limit holds back one client,
never the others behind the same proxies.
"""

from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup

from tests.faults.deployment import count_rows, point_site_at

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
