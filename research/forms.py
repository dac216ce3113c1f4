"""The editor's form for a publication: add by DOI or PubMed ID, fetch the rest, correct anything.

"Fetch the details" (ticked when adding) fetches the record when the editor
saves and fills in every field the record has, replacing what is there; a
field the record lacks keeps what the editor typed. A DOI or PubMed ID that
is not found, a service that cannot be reached, or a publication already in
the list is a message on the field, and the form comes back with everything
as typed.
"""

import re

from django import forms
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from research import lookup, records

# Filled in from the record; the editor may leave them empty when fetching.
FETCHED = ("title", "authors", "year")


class PublicationForm(WagtailAdminModelForm):
    fetch = forms.BooleanField(
        label="Fetch the details",
        required=False,
        help_text="When you save: from PubMed if there is a PubMed ID, else from Crossref by the "
        "DOI. Replaces the fields below with what the record has.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["fetch"].initial = True
        for name in FETCHED:
            self.fields[name].required = False

    def clean_doi(self):
        doi = records.clean_doi(self.cleaned_data.get("doi"))
        if doi and not records.is_doi(doi):
            raise forms.ValidationError(
                "This does not look like a DOI: it starts with “10.” and has a slash, "
                "e.g. 10.1212/WNL.0000000000012345."
            )
        return doi

    def clean_pmid(self):
        pmid = re.sub(
            r"^(?:pmid:?\s*)", "", (self.cleaned_data.get("pmid") or "").strip(), flags=re.I
        )
        if pmid and not pmid.isdigit():
            raise forms.ValidationError("A PubMed ID is a number, e.g. 34567890.")
        return pmid

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        doi, pmid = cleaned.get("doi", ""), cleaned.get("pmid", "")
        if cleaned.get("fetch"):
            if not (doi or pmid):
                self.add_error("doi", "Give a DOI or a PubMed ID to fetch the details from.")
                return cleaned
            try:
                record = lookup.fetch_pmid(pmid) if pmid else lookup.fetch_doi(doi)
            except lookup.LookupFailed as error:
                self.add_error("pmid" if pmid else "doi", str(error))
                return cleaned
            for name, value in record.items():
                if value not in ("", None) and name in self.fields:
                    cleaned[name] = value
            self.instance.fetched_from = "pubmed" if pmid else "crossref"
            self.instance.fetched_at = timezone.now()
        self.refuse_duplicates(cleaned)
        for name in FETCHED:
            if cleaned.get(name) in ("", None):
                self.add_error(
                    name, "Fill this in, or give a DOI or PubMed ID and tick “Fetch the details”."
                )
        return cleaned

    def refuse_duplicates(self, cleaned):
        others = self._meta.model.objects.exclude(pk=self.instance.pk)
        for name, label in (("doi", "DOI"), ("pmid", "PubMed ID")):
            value = cleaned.get(name)
            existing = others.filter(**{name: value}).first() if value else None
            if existing is not None:
                self.add_error(
                    name,
                    f"This {label} is already in the list of publications: “{existing.title}”. "
                    "Edit that one instead.",
                )
