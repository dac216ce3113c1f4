"""Crossref's JSON and PubMed's XML read into a publication's fields: pure functions, no network.

Kept apart from the fetching (research/lookup.py) so they are tested on
recorded responses alone, and a record with fields missing gives the fields
it has and blanks for the rest (the editor fills them in).

Authors are one per line as AMA writes them: family name, then initials
without stops ("Sader E", "Smith JA"); a group author as its name.
"""

import re

from defusedxml import ElementTree

FIELDS = (
    "doi",
    "pmid",
    "title",
    "authors",
    "journal",
    "journal_abbreviation",
    "year",
    "month",
    "volume",
    "issue",
    "pages",
    "abstract_url",
    "open_access_url",
)

MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}


class RecordError(ValueError):
    """The response is not a record of one publication."""


def initials(given):
    """ "John Andrew" -> "JA", "J.-P." -> "JP", "" -> ""."""
    return "".join(part[0] for part in re.split(r"[\s.\-]+", given or "") if part).upper()


def author_line(family, given):
    family, given = (family or "").strip(), (given or "").strip()
    return f"{family} {initials(given)}".strip() if family else given


def blank_record():
    return {name: "" for name in FIELDS} | {"year": None, "month": None}


def clean_doi(value):
    """A DOI as typed, pasted as a link, or prefixed "doi:": the bare, lower-case DOI."""
    value = (value or "").strip()
    value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE)
    return value.lower()


def is_doi(value):
    return bool(re.fullmatch(r"10\.\d{4,9}/\S+", value or ""))


def doi_url(doi):
    return f"https://doi.org/{doi}" if doi else ""


def pubmed_url(pmid):
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else ""


def pmc_url(pmcid):
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/" if pmcid else ""


def _first(values):
    return (values or [""])[0] if isinstance(values, list) else (values or "")


def _text(value):
    """Crossref titles may carry JATS or HTML markup (<i>, <sub>): the words only."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", value or "")).strip()


def from_crossref(data):
    """Fields of a Crossref REST API /works/{doi} response (its JSON, already decoded)."""
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise RecordError("Crossref's answer is not a publication record.")
    work = data["message"]
    record = blank_record()
    record["doi"] = clean_doi(work.get("DOI", ""))
    record["title"] = _text(_first(work.get("title")))
    record["authors"] = "\n".join(
        line
        for author in work.get("author", [])
        if (line := author_line(author.get("family"), author.get("given")) or author.get("name"))
    )
    record["journal"] = _text(_first(work.get("container-title")))
    record["journal_abbreviation"] = _text(_first(work.get("short-container-title")))
    for key in ("published-print", "published-online", "issued", "published"):
        parts = (work.get(key) or {}).get("date-parts") or [[]]
        if parts[0] and parts[0][0]:
            record["year"] = int(parts[0][0])
            record["month"] = int(parts[0][1]) if len(parts[0]) > 1 and parts[0][1] else None
            break
    record["volume"] = str(work.get("volume", ""))
    record["issue"] = str(work.get("issue", ""))
    record["pages"] = str(work.get("page", "")).replace("--", "-")
    record["abstract_url"] = (work.get("resource") or {}).get("primary", {}).get("URL", "")
    # Open access: a Creative Commons licence, and then the publisher's full text.
    if any("creativecommons.org" in (lic.get("URL") or "") for lic in work.get("license", [])):
        record["open_access_url"] = record["abstract_url"] or doi_url(record["doi"])
    return record


def _pubmed_year_month(pub_date):
    if pub_date is None:
        return None, None
    year = pub_date.findtext("Year")
    month = (pub_date.findtext("Month") or "").strip()
    if not year:
        # <MedlineDate>2019 Mar-Apr</MedlineDate>
        medline = pub_date.findtext("MedlineDate") or ""
        match = re.search(r"(\d{4})\s*([A-Za-z]{3})?", medline)
        if not match:
            return None, None
        year, month = match.group(1), match.group(2) or ""
    number = int(month) if month.isdigit() else MONTHS.get(month[:3].lower())
    return int(year), number


def _words(element):
    """An element's text with its inline markup (<i>, <sup>) dropped."""
    if element is None:
        return ""
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def from_pubmed(xml):
    """Fields of an E-utilities efetch (db=pubmed, retmode=xml) response for one PMID."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise RecordError("PubMed's answer is not XML.") from error
    article_set = root.find("PubmedArticle")
    if article_set is None:
        raise RecordError("PubMed has no article with this ID.")
    citation = article_set.find("MedlineCitation")
    article = citation.find("Article")
    journal = article.find("Journal")
    record = blank_record()
    record["pmid"] = (citation.findtext("PMID") or "").strip()
    record["title"] = _words(article.find("ArticleTitle")).rstrip(".")
    authors = []
    for author in article.findall("AuthorList/Author"):
        if author.findtext("CollectiveName"):
            authors.append(_words(author.find("CollectiveName")))
        elif author.findtext("LastName"):
            last = author.findtext("LastName")
            given = author.findtext("Initials") or initials(author.findtext("ForeName"))
            authors.append(f"{last} {given}".strip())
    record["authors"] = "\n".join(authors)
    if journal is not None:
        record["journal"] = _words(journal.find("Title"))
        record["journal_abbreviation"] = _words(journal.find("ISOAbbreviation"))
        issue = journal.find("JournalIssue")
        if issue is not None:
            record["volume"] = (issue.findtext("Volume") or "").strip()
            record["issue"] = (issue.findtext("Issue") or "").strip()
            record["year"], record["month"] = _pubmed_year_month(issue.find("PubDate"))
    record["pages"] = (article.findtext("Pagination/MedlinePgn") or "").strip()
    ids = {
        element.get("IdType"): (element.text or "").strip()
        for element in article_set.findall("PubmedData/ArticleIdList/ArticleId")
    }
    record["doi"] = clean_doi(ids.get("doi", ""))
    record["abstract_url"] = pubmed_url(record["pmid"])
    # A copy in PubMed Central is free to read.
    record["open_access_url"] = pmc_url(ids.get("pmc", ""))
    return record
