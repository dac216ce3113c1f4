"""Fetching a publication's record from Crossref (by DOI) or PubMed (by PMID), once, when the
editor saves it: the public pages read only what is stored.

Plain `requests` rather than a client library: Crossref's `habanero` is a thin
wrapper over the same one GET (and not in our package index), and Biopython's
`Bio.Entrez` brings NumPy and a parser tied to its own fetching for one efetch
call. With `requests` the tests replay recorded responses (`responses`), and
the parsers (research/records.py) stay pure functions of the response body.
"""

import requests
from django.conf import settings

from research import records

CROSSREF = "https://api.crossref.org/works/"
EFETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi"
TIMEOUT = 10
# Both services ask clients to name themselves (Crossref's "polite pool", NCBI's tool/email).
TOOL = "practice-site"


class LookupFailed(Exception):
    """A message for the editor: why the record could not be fetched."""


def _contact():
    return getattr(settings, "PUBLICATION_LOOKUP_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def _get(url, params, service):
    try:
        response = requests.get(
            url,
            params=params,
            timeout=TIMEOUT,
            headers={"User-Agent": f"{TOOL} (mailto:{_contact()})"},
        )
    except requests.RequestException as error:
        raise LookupFailed(
            f"{service} could not be reached. Nothing was changed; try again later, "
            "or fill in the fields yourself."
        ) from error
    return response


def fetch_doi(doi):
    """The fields of the publication with this DOI, from Crossref."""
    response = _get(CROSSREF + doi, {"mailto": _contact()}, "Crossref")
    if response.status_code == 404:
        raise LookupFailed(
            f"Crossref knows no publication with the DOI “{doi}”. Check it against the article."
        )
    if response.status_code != 200:
        raise LookupFailed(
            f"Crossref answered with an error ({response.status_code}). Try again later, "
            "or fill in the fields yourself."
        )
    try:
        return records.from_crossref(response.json())
    except (ValueError, records.RecordError) as error:
        raise LookupFailed(
            "Crossref's answer could not be read; fill in the fields yourself."
        ) from error


def fetch_pmid(pmid):
    """The fields of the article with this PubMed ID, from PubMed's E-utilities."""
    params = {"db": "pubmed", "id": pmid, "retmode": "xml", "tool": TOOL, "email": _contact()}
    response = _get(EFETCH, params, "PubMed")
    if response.status_code != 200:
        raise LookupFailed(
            f"PubMed answered with an error ({response.status_code}). Try again later, "
            "or fill in the fields yourself."
        )
    try:
        return records.from_pubmed(response.content)
    except records.RecordError as error:
        if "no article" in str(error):
            raise LookupFailed(
                f"PubMed has no article with the ID “{pmid}”. Check it against PubMed."
            ) from error
        raise LookupFailed(
            "PubMed's answer could not be read; fill in the fields yourself."
        ) from error
