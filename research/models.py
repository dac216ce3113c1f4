"""The physicians' publications, and the Research page that lists them.

A publication is a snippet (Snippets › Publications): a record, not a place
in the tree, shown on the Research page, on its authors' team pages and on
the pages of the conditions it is about. Editors add one by DOI or PubMed
ID; its details are fetched once, when they save (research/forms.py), and
stored, so no page calls out when a patient reads it. Every field stays
editable, and "Fetch the details" fetches them again.
"""

from django.db import models
from django.db.models import F, Q
from django.forms import CheckboxSelectMultiple
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from pagecache.pages import CachedPageMixin
from practice.models import SEOMixin
from practice.navigation import public
from practice.structured_data import absolute
from research import citation, records
from research.forms import PublicationForm


class Publication(index.Indexed, models.Model):
    class Source(models.TextChoices):
        CROSSREF = "crossref", "Crossref"
        PUBMED = "pubmed", "PubMed"

    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="e.g. 10.1212/WNL.0000000000012345"
    )
    pmid = models.CharField("PubMed ID", max_length=12, blank=True, help_text="e.g. 34567890")
    title = models.CharField(max_length=500)
    authors = models.TextField(
        help_text="One per line, as AMA writes them: family name and initials, e.g. Sader E."
    )
    journal = models.CharField(max_length=300, blank=True)
    journal_abbreviation = models.CharField(
        max_length=120, blank=True, help_text="As the citation shows it, e.g. J Neurol Sci."
    )
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=40, blank=True, help_text="e.g. 123-130 or e12345")
    abstract_url = models.URLField("abstract link", max_length=500, blank=True)
    open_access_url = models.URLField(
        "free full text link",
        max_length=500,
        blank=True,
        help_text="Where anyone can read the whole article (PubMed Central, an open-access journal).",
    )
    team_members = models.ManyToManyField(
        "team.TeamMemberPage",
        blank=True,
        related_name="publications",
        verbose_name="our authors",
        help_text="Listed on each person's page.",
    )
    conditions = models.ManyToManyField(
        "conditions.ConditionPage",
        blank=True,
        related_name="publications",
        help_text="The topics it is filed under; shown on each condition's page.",
    )
    procedures = models.ManyToManyField(
        "procedures.ProcedurePage", blank=True, related_name="publications"
    )
    fetched_from = models.CharField(max_length=10, choices=Source.choices, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    base_form_class = PublicationForm

    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("doi"), FieldPanel("pmid")]), FieldPanel("fetch")],
            heading="Find the publication",
        ),
        FieldPanel("title"),
        FieldPanel("authors"),
        FieldRowPanel([FieldPanel("journal"), FieldPanel("journal_abbreviation")]),
        FieldRowPanel([FieldPanel("year"), FieldPanel("month")]),
        FieldRowPanel([FieldPanel("volume"), FieldPanel("issue"), FieldPanel("pages")]),
        FieldPanel("abstract_url"),
        FieldPanel("open_access_url"),
        MultiFieldPanel(
            [
                FieldPanel("team_members", widget=CheckboxSelectMultiple),
                FieldPanel("conditions", widget=CheckboxSelectMultiple),
                FieldPanel("procedures", widget=CheckboxSelectMultiple),
            ],
            heading="Linked pages",
        ),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("authors"),
        index.SearchField("journal"),
        index.SearchField("doi"),
        index.SearchField("pmid"),
        index.FilterField("year"),
    ]

    class Meta:
        ordering = ["-year", F("month").desc(nulls_last=True), "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"],
                condition=~Q(doi=""),
                name="research_publication_unique_doi",
                violation_error_message="This DOI is already in the list of publications.",
            ),
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~Q(pmid=""),
                name="research_publication_unique_pmid",
                violation_error_message="This PubMed ID is already in the list of publications.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def author_names(self):
        return [line.strip() for line in self.authors.splitlines() if line.strip()]

    @property
    def citation(self):
        """AMA style, as text (admin, JSON-LD)."""
        return citation.ama_text(self)

    @property
    def citation_html(self):
        """AMA style for a page: the journal in italics."""
        return citation.ama_html(self)

    @property
    def doi_url(self):
        return records.doi_url(self.doi)

    @property
    def pubmed_url(self):
        return records.pubmed_url(self.pmid)

    def pages_showing_it(self):
        """Purged when it changes (pagecache.purge): the Research page, its authors', its conditions'."""
        return [
            *ResearchPage.objects.live(),
            *self.team_members.all(),
            *self.conditions.all(),
        ]

    def structured_data(self, root_url):
        node = {
            "@type": "ScholarlyArticle",
            "headline": self.title[:110],
            "name": self.title,
            "author": [{"@type": "Person", "name": name} for name in self.author_names],
            "datePublished": f"{self.year}-{self.month:02d}" if self.month else str(self.year),
        }
        if self.journal or self.journal_abbreviation:
            node["isPartOf"] = {
                "@type": "Periodical",
                "name": self.journal or self.journal_abbreviation,
            }
        if self.pages:
            node["pagination"] = self.pages
        identifiers = []
        if self.doi:
            node["url"] = self.doi_url
            identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": self.doi})
        if self.pmid:
            identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": self.pmid})
        if identifiers:
            node["identifier"] = identifiers
            node["sameAs"] = [url for url in (self.doi_url, self.pubmed_url) if url]
        members = [m for m in self.team_members.all() if m.live]
        if members:
            node["contributor"] = [
                {"@id": f"{absolute(m.url, root_url)}#person"} for m in members if m.url
            ]
        return node


class ResearchPage(CachedPageMixin, SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    """The physicians' publications, newest first, grouped by year, filterable by topic.

    Cached: a publication saved or deleted purges it (`Publication.pages_showing_it`).
    The topic filter is a GET form, so it works without JavaScript.
    """

    intro = RichTextField(blank=True, features=["h2", "h3", "bold", "italic", "link", "ul", "ol"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1
    subpage_types = []

    search_fields = Page.search_fields + [index.SearchField("intro")]

    @property
    def summary(self):
        return self.search_description

    def topics(self, request=None):
        """The conditions that have a publication, for the filter."""
        # The condition model through our own relation: conditions is a sibling app.
        conditions = Publication._meta.get_field("conditions").related_model
        return list(
            public(
                conditions.objects.live()
                .filter(publications__isnull=False)
                .distinct()
                .order_by("title")
                .only("title", "slug", "url_path", "path", "depth"),
                request,
            )
        )

    def publications(self, request):
        """Read once per request: the listing and its JSON-LD show the same ones."""
        if not hasattr(request, "_publications"):
            found = Publication.objects.prefetch_related("team_members")
            if topic := self.selected_topic(request):
                found = found.filter(conditions=topic)
            request._publications = list(found)
        return request._publications

    def selected_topic(self, request):
        slug = request.GET.get("topic", "")
        return next((topic for topic in self.topics_of(request) if topic.slug == slug), None)

    def topics_of(self, request):
        if not hasattr(request, "_research_topics"):
            request._research_topics = self.topics(request)
        return request._research_topics

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        by_year = {}
        for publication in self.publications(request):
            by_year.setdefault(publication.year, []).append(publication)
        context["years"] = list(by_year.items())
        context["topics"] = self.topics_of(request)
        context["selected_topic"] = self.selected_topic(request)
        return context

    def structured_data(self, request, root_url, url):
        articles = [p.structured_data(root_url) for p in self.publications(request)]
        if not articles:
            return None
        return {"@type": "ItemList", "@id": f"{url}#publications", "itemListElement": articles}
