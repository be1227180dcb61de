"""Every text the operators' admin shows from our code is marked for translation: the
messages an admin action reports (`message_user`, and the action's name that
`OperatorAdmin.run_action` puts in them), the actions' and columns' descriptions, the list
filters' titles and choices, the fieldsets' titles and the site's header. Django's own admin
texts are translated by Django; the model fields' names are the models' business.

This walks every `admin.py` of the package and lists every bare string literal or f-string
in those places (the walk's reading of bare text is the domain errors' one).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.core.test_messages_are_translatable import PACKAGE, _called_name, _is_bare_text

SITE_TEXTS = {"site_header", "site_title", "index_title"}


def _admin_modules() -> list[Path]:
    return sorted(PACKAGE.rglob("admin.py"))


def _lookup_labels(function: ast.FunctionDef) -> list[ast.expr]:
    """The labels of a list filter's `lookups()`: the second item of each returned pair."""
    labels: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.List | ast.Tuple):
            for pair in node.value.elts:
                if isinstance(pair, ast.Tuple) and len(pair.elts) == 2:
                    labels.append(pair.elts[1])
    return labels


def _texts(tree: ast.Module) -> list[tuple[ast.expr, str]]:
    """Every place of an admin module whose text an operator reads, with what it is."""
    found: list[tuple[ast.expr, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            name = _called_name(node)
            if name == "message_user":
                message = node.args[1] if len(node.args) > 1 else keywords.get("message")
                if message is not None:
                    found.append((message, "message_user"))
            elif name == "run_action":
                label = node.args[2] if len(node.args) > 2 else keywords.get("label")
                if label is not None:
                    found.append((label, "run_action label"))
            elif name in {"action", "display"} and "description" in keywords:
                found.append((keywords["description"], f"{name} description"))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in SITE_TEXTS:
                    found.append((node.value, target.attr))
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if not isinstance(statement, ast.Assign):
                    continue
                names = {t.id for t in statement.targets if isinstance(t, ast.Name)}
                if "title" in names:
                    found.append((statement.value, "filter title"))
                if names & {"fieldsets", "add_fieldsets"} and isinstance(
                        statement.value, ast.List | ast.Tuple):
                    found.extend((fieldset.elts[0], "fieldset title")
                                 for fieldset in statement.value.elts
                                 if isinstance(fieldset, ast.Tuple) and fieldset.elts)
            found.extend((label, "filter choice") for statement in node.body
                         if isinstance(statement, ast.FunctionDef)
                         and statement.name == "lookups"
                         for label in _lookup_labels(statement))
    return found


def bare_admin_texts(source: str) -> list[tuple[int, str]]:
    """(line, what) of every admin text written as bare English."""
    return sorted((node.lineno, what) for node, what in _texts(ast.parse(source))
                  if _is_bare_text(node))


@pytest.mark.parametrize(("source", "expected"), [
    ('self.message_user(request, f"{label}: {done} done.", messages.SUCCESS)',
     [(1, "message_user")]),
    ('self.message_user(request, _("Done."), messages.SUCCESS)', []),
    ('self.message_user(request, message="Done.")', [(1, "message_user")]),
    ('self.run_action(request, queryset, "Hide", hide)', [(1, "run_action label")]),
    ('self.run_action(request, queryset, _("Hide"), hide)', []),
    ('@admin.action(description="Hide selected posts")\ndef hide(self, r, q): pass',
     [(1, "action description")]),
    ('@admin.display(description=_("nearby"), ordering="x")\ndef n(self, o): pass', []),
    ('admin.site.site_header = "townsquare operators"', [(1, "site_header")]),
    ('class F(admin.SimpleListFilter):\n    title = "state"\n'
     '    def lookups(self, request, model_admin):\n'
     '        return [("live", "Live"), ("hidden", _("Hidden"))]',
     [(2, "filter title"), (4, "filter choice")]),
    ('class A(admin.ModelAdmin):\n    fieldsets = [(None, {"fields": ["a"]}),\n'
     '                 ("Status", {"fields": ["b"]}), (_("Rights"), {"fields": ["c"]})]',
     [(3, "fieldset title")]),
])
def test_the_walk_tells_bare_admin_texts_from_translated_ones(source, expected):
    assert bare_admin_texts(source) == expected


def test_every_admin_text_is_marked_for_translation():
    modules = _admin_modules()
    assert len(modules) >= 7, modules  # core, places, accounts, feeds, posts, agencies, ...
    bare = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path in modules
        for line, what in bare_admin_texts(path.read_text(encoding="utf-8"))
    ]
    assert bare == [], "admin texts in bare English:\n" + "\n".join(bare)
