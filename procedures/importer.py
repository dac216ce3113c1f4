"""Read a procedure page captured as text from the practice's current site.

The capture is what a browser's "save as text" gives: the navigation menu
(twice), the page title, a breadcrumb ("Home" / "Procedures" / title), the
sections under their question headings ("How do you prepare for <title>?"),
then the page furniture: a call-to-action box, "More Procedures", the
physician's sidebar, the byline, the newsletter form, social links, the
footer and the copyright line.

`parse_procedure_text` turns that into a `ParsedProcedure`: the title, each
section as rich-text HTML (`<p>` and `<ul><li>`), the risks lead-in as plain
text, the byline as metadata, and every line it could not place. It knows
nothing of Django models so it can be tested on plain strings; the
`import_procedure` management command does the database part.
"""

from __future__ import annotations

import datetime
import html
import re
from collections import Counter
from dataclasses import dataclass, field

from procedures.sections import SECTION_FIELDS

# The longest lead-in ProcedurePage.risks_intro can hold.
RISKS_INTRO_MAX_LENGTH = 255


class ProcedureParseError(ValueError):
    """The text is not a procedure page the importer can read."""


@dataclass
class ParsedProcedure:
    title: str
    # Field name -> rich-text HTML; "" when the capture has nothing for it.
    sections: dict[str, str] = field(default_factory=lambda: dict.fromkeys(SECTION_FIELDS, ""))
    # The sentence before the list of common risks, as plain text ("" if none).
    risks_intro: str = ""
    # Lines that are neither page furniture nor under a known heading.
    unplaced: list[str] = field(default_factory=list)
    # Things an editor should check (e.g. a heading that names more than the title).
    notes: list[str] = field(default_factory=list)
    # The byline, as metadata only: never put into a section.
    author: str = ""
    reviewer: str = ""
    published: datetime.date | None = None
    last_reviewed: datetime.date | None = None

    @property
    def filled_sections(self) -> list[str]:
        return [name for name in SECTION_FIELDS if self.sections.get(name)]

    @property
    def empty_sections(self) -> list[str]:
        return [name for name in SECTION_FIELDS if not self.sections.get(name)]


# --- line classification -----------------------------------------------------

BULLET_RE = re.compile(r"^\s*[•◦▪‣*-]\s+(?P<text>\S.*)$")

# Question headings, by the section they introduce. Checked in this order: the
# overview ("What is …?") comes last because the follow-up and risks headings
# also start with "What".
KNOWN_HEADINGS = [
    ("follow_up", r"what is the follow[- ]?up (?:like )?(?:for|after) (?P<s>.+?)"),
    (
        "risks",
        r"what are the (?:potential |possible )?(?:risks|side effects)"
        r"(?: and (?:side effects|complications))? (?:for|of|with) (?P<s>.+?)",
    ),
    ("during", r"what (?:can|should|will) (?:you|i) expect during (?P<s>.+?)"),
    ("preparation", r"how (?:do|should|can) (?:you|i) prepare for (?P<s>.+?)"),
    ("reasons", r"why (?:is|are) (?P<s>.+?) (?:performed|done|used|recommended)"),
    ("related_tests", r"are there (?:any )?related tests (?:to|for|with) (?P<s>.+?)"),
    ("overview", r"what (?:is|are) (?P<s>.+?)"),
]
KNOWN_HEADINGS = [(key, re.compile(rf"^{rx}\s*\?$", re.I)) for key, rx in KNOWN_HEADINGS]

QUESTION_START_RE = re.compile(
    r"^(what|how|why|when|where|who|which|is|are|can|do|does|will|should)\b", re.I
)
# A heading may wrap over a few lines ("What is X /" + "Y?").
MAX_HEADING_LINES = 4
MAX_HEADING_LENGTH = 200

BREADCRUMB_SECTIONS = {"procedures", "services"}
BREADCRUMB_ONE_LINE_RE = re.compile(
    r"^home\s*(?P<sep>[/>›»|])\s*(?:procedures|services)\s*(?P=sep)\s*(?P<title>\S.*)$", re.I
)
BREADCRUMB_SEPARATOR_RE = re.compile(r"^[/>›»|]+$")

BYLINE_RE = re.compile(
    r"^(?P<label>by|written by|reviewed by|medically reviewed by|published|"
    r"last reviewed|last updated):\s*(?P<value>.*)$",
    re.I,
)

# Lines that start the page furniture after (or around) the content.
FURNITURE_START_RES = [
    re.compile(rx, re.I)
    for rx in (
        r"^more (?:procedures|services)$",
        r"^(?:request|book|schedule) (?:an )?appointment$",
        r"^meet .{2,60}$",
        r"^subscribe\b",
        r"^follow us\b",
        r"^connect with us$",
        r"^(?:©|\(c\)|copyright\b)",
        # The practice's name as a standalone line ("Elie Sader, MD").
        r"^[A-Z][\w.'’ -]{1,60},\s*(?:MD|DO|PhD|NP|PA-C)(?: PLLC)?$",
    )
]
CALL_TO_ACTION_RE = re.compile(r"^(?:request|book|schedule) (?:an )?appointment$", re.I)
# Lines that are always page furniture wherever they appear.
CHROME_RES = [
    re.compile(rx, re.I)
    for rx in (
        r"^\+?1?[\s.-]*\(?\d{3}\)?[\s.-]*\d{3}[\s.-]?\d{4}$",  # phone
        r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$",  # email
        r"^should be empty:?$",  # the newsletter form's honeypot
        r"^learn more\b.*$",
        r"^home$",
    )
]

SERIOUS_SPLIT_RE = re.compile(
    r"^(?:(?:rare|uncommon|less common)(?: but| and)? )?serious "
    r"(?:risks|complications|side effects)\b.*:$|"
    r"^rare but serious\b.*:$",
    re.I,
)


def _clean(line: str) -> str:
    """Normalise spaces: no-break and zero-width spaces, trailing blanks."""
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    line = line.replace("\t", "    ")
    return line.rstrip()


def _bullet_text(line: str) -> str | None:
    match = BULLET_RE.match(line)
    return match.group("text").strip() if match else None


def _plain(line: str) -> str:
    """The text of a line without its bullet marker or surrounding spaces."""
    text = _bullet_text(line)
    return " ".join((text if text is not None else line).split())


def _is_furniture_start(text: str) -> bool:
    return any(rx.match(text) for rx in FURNITURE_START_RES)


def _is_chrome(text: str) -> bool:
    return any(rx.match(text) for rx in CHROME_RES)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass
class _Heading:
    start: int  # first line index
    end: int  # last line index (a wrapped heading spans several lines)
    text: str  # the heading, wrapped lines joined
    key: str | None  # section key, or None for a question heading it does not know
    subject: str  # what the question is about ("" for unknown headings)


def _find_headings(lines: list[str]) -> list[_Heading]:
    """Every question heading, known or not, with wrapped lines joined."""
    headings = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or _bullet_text(line) is not None:
            i += 1
            continue
        text = line.strip()
        if not QUESTION_START_RE.match(text):
            i += 1
            continue
        end = i
        while not text.endswith("?") and end - i < MAX_HEADING_LINES - 1:
            nxt = lines[end + 1] if end + 1 < len(lines) else ""
            if not nxt.strip() or _bullet_text(nxt) is not None:
                break
            end += 1
            text = f"{text} {nxt.strip()}"
        text = " ".join(text.split())
        if not text.endswith("?") or len(text) > MAX_HEADING_LENGTH:
            i += 1
            continue
        key, subject = None, ""
        for section, rx in KNOWN_HEADINGS:
            match = rx.match(text)
            if match:
                key, subject = section, match.group("s").strip()
                break
        before_blank = i == 0 or not lines[i - 1].strip()
        after_blank = end + 1 >= len(lines) or not lines[end + 1].strip()
        # A question inside a paragraph is not a heading; an unknown question is
        # only taken for a heading when it stands on its own.
        if key is not None or (before_blank and after_blank):
            headings.append(_Heading(i, end, text, key, subject))
            i = end + 1
        else:
            i += 1
    return headings


def _find_breadcrumb(lines: list[str]) -> tuple[str, int, int] | None:
    """(title, first line, last line) of "Home / Procedures / <title>", on one line or three."""
    for i, line in enumerate(lines):
        text = line.strip()
        match = BREADCRUMB_ONE_LINE_RE.match(text)
        if match:
            return " ".join(match.group("title").split()), i, i
        if text.casefold() != "home":
            continue
        parts, j = [], i + 1
        while j < len(lines) and lines[j].strip() and len(parts) < 2:
            part = lines[j].strip()
            if not BREADCRUMB_SEPARATOR_RE.match(part):
                parts.append(part)
            j += 1
        if len(parts) == 2 and parts[0].casefold() in BREADCRUMB_SECTIONS:
            return " ".join(parts[1].split()), i, j - 1
    return None


def _choose_title(lines, headings, notes) -> tuple[str, tuple[str, int, int] | None]:
    breadcrumb = _find_breadcrumb(lines)
    subjects = [h.subject for h in headings if h.key and h.key != "overview"]
    if breadcrumb:
        title = breadcrumb[0]
        all_subjects = subjects + [h.subject for h in headings if h.key == "overview"]
        if all_subjects and not any(
            s.casefold().startswith(title.casefold()) for s in all_subjects
        ):
            notes.append(
                f"The breadcrumb title “{title}” does not appear in the question headings; "
                "check the title."
            )
        return title, breadcrumb
    if subjects:
        counts = Counter(s.casefold() for s in subjects)
        best = counts.most_common(1)[0][0]
        title = next(s for s in subjects if s.casefold() == best)
        notes.append(f"No breadcrumb found: the title “{title}” was taken from the headings.")
        return title, None
    raise ProcedureParseError(
        "No procedure title found: expected a breadcrumb (Home / Procedures / <title>) "
        "or question headings such as “How do you prepare for <title>?”."
    )


# --- sections -------------------------------------------------------------------


def _blocks(lines: list[str]) -> list[tuple[str, object]]:
    """Group a section's lines into ("p", text) and ("ul", [items]) blocks.

    Consecutive lines make one paragraph; bullets make one list until a
    paragraph interrupts it; an indented line right after a bullet continues it.
    """
    blocks: list[tuple[str, object]] = []
    previous_blank = True
    for line in lines:
        if not line.strip():
            previous_blank = True
            continue
        item = _bullet_text(line)
        text = " ".join(line.split())
        if item is not None:
            item = " ".join(item.split())
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append(item)
            else:
                blocks.append(("ul", [item]))
        elif not previous_blank and blocks and blocks[-1][0] == "ul" and line[:1].isspace():
            blocks[-1][1][-1] += " " + text
        elif not previous_blank and blocks and blocks[-1][0] == "p":
            blocks[-1] = ("p", f"{blocks[-1][1]} {text}")
        else:
            blocks.append(("p", text))
        previous_blank = False
    return blocks


def _html(blocks) -> str:
    out = []
    for kind, content in blocks:
        if kind == "ul":
            items = "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in content)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{html.escape(content, quote=False)}</p>")
    return "".join(out)


def _split_risks(blocks, result: ParsedProcedure) -> None:
    split = next(
        (
            i
            for i, (kind, text) in enumerate(blocks)
            if kind == "p" and SERIOUS_SPLIT_RE.match(text)
        ),
        None,
    )
    common, serious = (blocks, []) if split is None else (blocks[:split], blocks[split + 1 :])
    if len(common) > 1 and common[0][0] == "p" and any(kind == "ul" for kind, _ in common[1:]):
        intro = common[0][1]
        if len(intro) <= RISKS_INTRO_MAX_LENGTH:
            result.risks_intro = intro
            common = common[1:]
        else:
            result.notes.append(
                "The risks lead-in is too long for the lead-in field; it was kept as the "
                "first paragraph of the common risks."
            )
    result.sections["common_risks"] = _html(common)
    result.sections["serious_risks"] = _html(serious)


def _parse_date(value: str) -> datetime.date | None:
    value = re.sub(r"(\d+)(?:st|nd|rd|th)\b", r"\1", value.strip())
    for fmt in ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _read_byline(text: str, result: ParsedProcedure) -> bool:
    match = BYLINE_RE.match(text)
    if not match:
        return False
    label, value = match.group("label").casefold(), match.group("value").strip()
    if label in ("by", "written by"):
        result.author = value
    elif "reviewed by" in label:
        result.reviewer = value
    elif label == "published":
        result.published = _parse_date(value)
    else:
        result.last_reviewed = _parse_date(value)
    return True


# --- the parser -------------------------------------------------------------------


def parse_procedure_text(text: str) -> ParsedProcedure:
    """Parse a text capture of one procedure page of the practice's current site.

    Raises ProcedureParseError when no procedure title can be found.
    """
    lines = [_clean(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    headings = _find_headings(lines)
    notes: list[str] = []
    title, breadcrumb = _choose_title(lines, headings, notes)
    result = ParsedProcedure(title=title, notes=notes)

    # "What is …?" is the overview only when it is about this procedure.
    for heading in headings:
        if heading.key == "overview" and not heading.subject.casefold().startswith(
            title.casefold()
        ):
            heading.key = None
        elif heading.key == "overview" and not _same(heading.subject, title):
            result.notes.append(
                f"The overview heading reads “{heading.text}”; the page will show "
                f"“What is {title}?”. Check nothing is lost."
            )
    heading_at = {h.start: h for h in headings}

    # Where the content starts: after the breadcrumb, else after the standalone
    # title line, else at the top (then bullets before the first heading are
    # taken for the navigation menu).
    first_heading = headings[0].start if headings else len(lines)
    start, nav_unanchored = 0, False
    if breadcrumb and breadcrumb[1] < first_heading:
        start = breadcrumb[2] + 1
    else:
        title_lines = [i for i in range(first_heading) if _same(lines[i], title)]
        if title_lines:
            start = title_lines[-1] + 1
        else:
            nav_unanchored = True

    section_lines: dict[str, list[str]] = {}
    state: str | None = None  # None: before the first heading; "unknown"; "furniture"; a key
    i = start
    while i < len(lines):
        line = lines[i]
        heading = heading_at.get(i)
        if heading is not None:
            if heading.key and heading.key in section_lines:
                result.notes.append(f"The heading “{heading.text}” appears twice.")
                result.unplaced.append(heading.text)
                state = "unknown"
            elif heading.key:
                section_lines[heading.key] = []
                state = heading.key
            elif state == "furniture":
                pass
            else:
                result.unplaced.append(heading.text)
                state = "unknown"
            i = heading.end + 1
            continue
        i += 1
        if not line.strip():
            if state not in (None, "unknown", "furniture"):
                section_lines[state].append(line)
            continue
        text = _plain(line)
        if _read_byline(text, result):
            continue
        if _is_chrome(text) or (state is None and _same(text, title)):
            continue
        if _bullet_text(line) is None and _is_furniture_start(text):
            if CALL_TO_ACTION_RE.match(text) and state in section_lines:
                _drop_call_to_action(section_lines[state], result)
            state = "furniture"
            continue
        if state == "furniture":
            continue
        if state is None:
            if nav_unanchored and _bullet_text(line) is not None:
                continue
            result.unplaced.append(text)
        elif state == "unknown":
            result.unplaced.append(text)
        else:
            section_lines[state].append(line)

    for key, body in section_lines.items():
        blocks = _blocks(body)
        if key == "risks":
            _split_risks(blocks, result)
        else:
            result.sections[key] = _html(blocks)
    return result


def _drop_call_to_action(body: list[str], result: ParsedProcedure) -> None:
    """Drop the call-to-action box's blurb from the end of a section.

    On the current site the last section is followed by a short paragraph and
    a "Request Appointment" button. The paragraph is taken for the box's blurb
    only when it follows a list (sections end in a list on that site), and it
    is noted so an editor can check.
    """
    while body and not body[-1].strip():
        body.pop()
    end = len(body)
    start = end
    while start > 0 and body[start - 1].strip() and _bullet_text(body[start - 1]) is None:
        start -= 1
    if start == end or start == 0:
        return
    before = start - 1
    while before >= 0 and not body[before].strip():
        before -= 1
    if before < 0 or _bullet_text(body[before]) is None or before == start - 1:
        return
    blurb = " ".join(" ".join(body[start:end]).split())
    del body[start:]
    result.notes.append(f"Left out the call-to-action blurb before the button: “{blurb}”")
