"""No view, API handler or template decides a rule itself (issue 8, docs/web.md).

The adapters (`townsquare.web`, `townsquare.api`) parse, ask the policy module or call an
action, and render. A permission check written in an adapter (a role comparison, an
`is_staff` test, "is this the author", a raw rate-limit hit, a verification test) is a rule
that the other adapter does not share; this test reads the adapters' source and fails on
each one. The few lines that look like a check but are not one are listed below, each
with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "townsquare"
ADAPTERS = [SRC / "web", SRC / "api"]
TEMPLATES = SRC / "web" / "templates"

# (module relative to src/townsquare, the source of the flagged expression): why it is not
# a rule. Keep this short: a new entry needs a reason a reviewer accepts.
ALLOWED: dict[tuple[str, str], str] = {
    ("web/views/agencies_dashboard.py", "member.user_id == request.user.pk"):
        "where to go after the action removed the caller from the staff (their own agency "
        "pages are gone): navigation, not permission",
    ("web/views/agencies_posts.py", "post.current_status() == AgencyPost.Status.SCHEDULED"):
        "which words the message and the edit form use for a scheduled post (the action "
        "decides what may change): wording, not permission",
    ("web/views/operator.py", "batch.status != PostcardBatch.Status.READY"):
        "a batch's PDF exists only once the batch is ready (the selector has checked the "
        "operator): whether there is a file, not who may have it",
}

ATTRIBUTES = {"is_staff", "is_superuser"}  # operator flags: policy.is_operator
CALLS = {"is_verified"}  # verification: policy.verified_resident_of
# Comparisons with these on either side compare people or roles: policy predicates.
COMPARED_NAMES = {"role", "author", "author_id", "user_id"}


def _python_files() -> list[Path]:
    return sorted(p for root in ADAPTERS for p in root.rglob("*.py")
                  if "migrations" not in p.parts)


def _mentions_request_user(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return "request.user" in text or "request.auth" in text


def _names(node: ast.AST) -> set[str]:
    found = set()
    for part in ast.walk(node):
        if isinstance(part, ast.Attribute):
            found.add(part.attr)
        elif isinstance(part, ast.Name):
            found.add(part.id)
    return found


def violations_in(source: str, module: str) -> list[str]:
    """The rule-deciding expressions in one adapter module, as "module:line: source"."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ATTRIBUTES:
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_ts_"):
            found.append((node.lineno, ast.unparse(node)))  # policy's private cache
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
            if name in CALLS or (name == "hit" and owner.endswith("ratelimit")):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Compare) and any(
                isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
            sides = [node.left, *node.comparators]
            if (any(_names(side) & COMPARED_NAMES for side in sides)
                    or any(_names(side) & {"status", "current_status"} for side in sides)
                    and any("Status" in _names(side) for side in sides)
                    or sum(_mentions_request_user(side) for side in sides) == 1
                    and any(_names(side) & {"pk", "id", "user", "author"} for side in sides)):
                found.append((node.lineno, ast.unparse(node)))
    return [f"{module}:{line}: {text}" for line, text in sorted(found)
            if (module, text) not in ALLOWED]


TEMPLATE_CHECKS = [
    re.compile(r"\{%-?\s*(?:el)?if\b[^%]*\.role\s*(?:==|!=)"),
    re.compile(r"\{%-?\s*(?:el)?if\b[^%]*\bis_(?:staff|superuser)\b"),
    re.compile(r"\{%-?\s*(?:el)?if\b[^%]*\bauthor(?:_id)?\s*(?:==|!=)"),
]


def template_violations(text: str, name: str) -> list[str]:
    return [f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
            for check in TEMPLATE_CHECKS for match in check.finditer(text)]


def test_no_adapter_module_decides_a_rule() -> None:
    found = [v for path in _python_files()
             for v in violations_in(path.read_text(), str(path.relative_to(SRC)))]
    assert found == []


# (module, function) of views that catch a domain error themselves, and why.
ALLOWED_HANDLERS: dict[tuple[str, str], str] = {
    ("web/views/agencies_posts.py", "check_image"):
        "gives an image's TooLarge the image field and raises it again: nothing is handled",
    ("web/views/notifications.py", "unsubscribe"):
        "a link that cannot be read shows the unsubscribe page's own 'invalid link' text "
        "(RFC 8058 page, no sign-in), not the site's 404 page",
}


def domain_error_handlers(source: str) -> list[tuple[int, str]]:
    """(line, function) of `except` clauses that catch domain errors (core.errors)."""
    from townsquare.core import errors

    names = {name for name, value in vars(errors).items()
             if isinstance(value, type) and issubclass(value, errors.DomainError)}
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
            continue
        for node in ast.walk(function):
            if (isinstance(node, ast.ExceptHandler) and node.type is not None
                    and _names(node.type) & names):
                found.append((node.lineno, getattr(function, "name", "")))
    # The innermost function names each handler.
    return sorted({line: name for line, name in sorted(found, key=lambda f: f[0])}.items())


def test_views_turn_domain_errors_into_pages_and_form_errors_one_way() -> None:
    """web/errors.py (form_errors, message_errors, domain_errors) is the one way."""
    found = [f"{module}:{line} in {name}" for path in _python_files()
             if path.parent.name == "views"
             for module in [str(path.relative_to(SRC))]
             for line, name in domain_error_handlers(path.read_text())
             if (module, name) not in ALLOWED_HANDLERS]
    assert found == []


def test_no_template_decides_a_rule() -> None:
    found = [v for path in sorted(TEMPLATES.rglob("*.html"))
             for v in template_violations(path.read_text(), str(path.relative_to(TEMPLATES)))]
    assert found == []


def test_every_allowed_entry_is_still_there() -> None:
    """A stale allow-list entry would let the same text back in elsewhere unnoticed."""
    sources = {str(p.relative_to(SRC)): p.read_text() for p in _python_files()}
    for module, text in ALLOWED:
        assert text in sources.get(module, ""), (module, text)


@pytest.mark.parametrize("snippet", [
    "if request.user.is_staff: pass",
    "if user.is_superuser: pass",
    "ok = staff.role == 'admin'",
    "ok = post.author_id == resident.pk",
    "ok = reply.author == resident",
    "ok = item.user_id != request.user.pk",
    "ok = request.user == post.author.user",
    "ratelimit.hit('signup', key, limit=3, window=60)",
    "ok = resident.is_verified()",
    "ok = post.current_status() != AgencyPost.Status.WITHDRAWN",
    "user._ts_resident = None",
])
def test_the_guard_catches_each_kind_of_check(snippet: str) -> None:
    """Positive control: the guard is not passing because it looks at nothing."""
    assert violations_in(snippet, "web/views/example.py") != []


@pytest.mark.parametrize("snippet", [
    "{% if post.author == user %}",
    "{% if member.role == 'admin' %}",
    "{% if user.is_staff %}",
    "{% elif viewer.user.is_superuser %}",
])
def test_the_template_guard_catches_each_kind_of_check(snippet: str) -> None:
    assert template_violations(snippet, "example.html") != []


def test_the_handler_check_sees_a_handler() -> None:
    source = "def v():\n    try:\n        f()\n    except DomainError as exc:\n        pass\n"
    assert domain_error_handlers(source) == [(4, "v")]


def test_the_guard_leaves_ordinary_code_alone() -> None:
    assert violations_in("ok = policy.can_thank(request.user, post)\n"
                         "n = len(items) == 0\n", "web/views/example.py") == []
    assert template_violations('{% if value == member.role %} selected{% endif %}',
                               "x.html") == []
