"""A physician's credentials on the profile and in its JSON-LD; the NPI checked by its check digit."""

import json

import pytest
from django.core.exceptions import ValidationError

from team.models import HospitalAffiliation
from team.npi import is_valid, validate_npi
from tests import factories
from tests.html import labelled, one, soup, texts

pytestmark = pytest.mark.django_db


class TestNpi:
    # 1234567893 is CMS's own worked example of the check digit.
    @pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
    def test_registry_numbers_pass(self, npi):
        assert is_valid(npi)

    @pytest.mark.parametrize(
        "npi", ["1234567890", "1234567894", "123456789", "12345678930", "abcdefghij"]
    )
    def test_a_mistyped_number_is_refused(self, npi):
        assert not is_valid(npi)
        with pytest.raises(ValidationError):
            validate_npi(npi)


def test_the_profile_shows_affiliations_memberships_and_npi_and_its_json_ld_says_so(client, home):
    person = factories.TeamMemberPageFactory(
        parent=home,
        name="Elie Sader",
        is_physician=True,
        languages="English\nArabic\nFrench",
        memberships="American Academy of Neurology",
        npi="1234567893",
    )
    HospitalAffiliation.objects.create(
        member=person, hospital="Stamford Hospital", role="Attending neurologist"
    )
    page = soup(client.get(person.url))
    assert texts(labelled(page, "hospital-affiliations").select("li")) == [
        "Stamford Hospital — Attending neurologist"
    ]
    assert "NPI number: 1234567893" in page.get_text()

    data = json.loads(one(page, 'script[type="application/ld+json"]').string)
    node = next(n for n in data.get("@graph", [data]) if n.get("@type") == "Physician")
    assert node["hospitalAffiliation"] == [{"@type": "Hospital", "name": "Stamford Hospital"}]
    assert node["memberOf"] == [{"@type": "Organization", "name": "American Academy of Neurology"}]
    assert node["knowsLanguage"] == ["English", "Arabic", "French"]
    assert node["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "NPI",
        "value": "1234567893",
    }
