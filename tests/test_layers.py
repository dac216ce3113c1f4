"""The layers of pyproject.toml's import-linter contract hold for every app and
for templates too.

import-linter sees Python imports only. A template that loads another app's
template tags, or includes or extends another app's template, is a dependency
it cannot see: a page of `practice` whose panel loaded `review_tags` made the
bottom of the site depend on clinical review. These tests read the same layers
and hold templates to them; they also fail when an app is missing from the
contract, so a new app cannot slip past the layers unnoticed.
"""

import re
import tomllib
from pathlib import Path

from django.template import engines

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

# Template folders that are not named after their app, and the templates at
# the top of templates/ (base.html, 404.html, 500.html): what every page shares.
TEMPLATE_OWNERS = {"components": "practice", "search": "sitesearch", "": "practice"}

LOAD = re.compile(r"{%\s*load\s+(.*?)\s*%}")
INCLUDE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']")
# A template named in Python: a panel's, a view's, a component's.
TEMPLATE_NAME = re.compile(r"[\"']([a-z_]+/[\w/.-]+\.(?:html|txt))[\"']")


def importlinter():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def layers():
    """{app: layer number}, 0 at the top, from the contract of type "layers"."""
    (contract,) = [c for c in importlinter()["contracts"] if c["type"] == "layers"]
    return {
        app.strip(): depth
        for depth, layer in enumerate(contract["layers"])
        for app in re.split(r"[|:]", layer)
    }


def owner(template_name):
    """The app a template belongs to, by its folder (templates/<app>/...)."""
    folder = template_name.split("/")[0] if "/" in template_name else ""
    return TEMPLATE_OWNERS.get(folder, folder)


def library_apps():
    """{template tag library name: the top-level package that defines it}."""
    libraries = engines["django"].engine.libraries
    return {name: module.split(".")[0] for name, module in libraries.items()}


def loaded_libraries(source):
    names = []
    for args in LOAD.findall(source):
        words = args.split()
        # {% load a b %} or {% load name from library %}
        names += [words[-1]] if "from" in words else words
    return names


def violations(templates, depth, libraries, owner=owner):
    """(template, what it uses, from which app) for each use of a higher or sibling app."""

    def allowed(user, used):
        return used == user or used not in depth or depth[used] > depth[user]

    found = []
    for name, source in templates.items():
        user = owner(name)
        if user not in depth:
            continue
        for library in loaded_libraries(source):
            used = libraries.get(library)
            if used and not allowed(user, used):
                found.append((name, f"{{% load {library} %}}", used))
        for target in INCLUDE.findall(source):
            used = owner(target)
            if target.startswith(("wagtail", "django")) or allowed(user, used):
                continue
            found.append((name, target, used))
    return found


def site_templates():
    return {
        str(path.relative_to(TEMPLATES)): path.read_text()
        for path in TEMPLATES.rglob("*")
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
    }


def python_template_names():
    """{"app/module.py": the template names it uses, as includes} for each app's Python."""
    return {
        str(path.relative_to(ROOT)): "".join(
            f'{{% include "{name}" %}}' for name in TEMPLATE_NAME.findall(path.read_text())
        )
        for app in layers()
        for path in (ROOT / app).rglob("*.py")
    }


def test_every_app_is_in_the_layers_contract_and_in_root_packages():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"config"}
    assert apps - set(layers()) == set(), "add the app to a line of the layers contract"
    assert apps - set(importlinter()["root_packages"]) == set(), "add the app to root_packages"


def test_templates_use_no_template_tags_or_templates_of_a_higher_layer():
    found = violations(site_templates(), layers(), library_apps())

    assert found == []


def test_python_names_no_template_of_a_higher_layer():
    # e.g. HelpPanel(template=...) on a model of practice naming a template of reviews.
    found = violations(
        python_template_names(), layers(), library_apps(), owner=lambda module: module.split("/")[0]
    )

    assert found == []


def test_a_template_loading_a_higher_layers_tags_is_caught():
    # The dependency this test exists for: practice's panel loading clinical review's tags.
    templates = {
        "practice/admin/panel.html": "{% load wagtailcore_tags review_tags %}",
        "components/card.html": '{% include "procedures/procedure_page.html" %}',
        "procedures/tags.html": "{% load reading_grades from review_tags %}",
        "conditions/sibling.html": '{% include "procedures/procedure_page.html" %}',
    }

    found = violations(templates, layers(), library_apps())

    assert found == [
        ("practice/admin/panel.html", "{% load review_tags %}", "reviews"),
        ("components/card.html", "procedures/procedure_page.html", "procedures"),
        ("conditions/sibling.html", "procedures/procedure_page.html", "procedures"),
    ]
