"""Every domain error's message reaches people, so it is marked for translation.

A `DomainError` (core/errors.py) carries a `detail` and per-field messages that the pages
show and the API answers; a rate limit's `message` becomes one. Raised with a bare string
literal or an f-string, they could not be translated later; wrapped in
`gettext`/`gettext_lazy`/`ngettext` (or passed in a variable built that way), they can.
This walks the source and lists every bare one.

Management commands (operators' console), migrations and the demo content are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import townsquare
from townsquare.core import errors

PACKAGE = Path(townsquare.__file__).resolve().parent
SKIPPED_DIRS = {"migrations", "management", "tests", "demo"}
ERROR_CLASSES = {
    name for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.DomainError)
}


def _modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(PACKAGE).parts[:-1])
    )


def _is_bare_text(node: ast.expr) -> bool:
    """A message a reader would see as-is: a literal, an f-string, or one built from a
    literal by `%`, `+` or `.format()`; a translation call or a variable is not."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_bare_text(node.left) or _is_bare_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_bare_text(node.func.value)
    if isinstance(node, ast.IfExp):
        return _is_bare_text(node.body) or _is_bare_text(node.orelse)
    return False


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _field_messages(node: ast.expr) -> list[ast.expr]:
    """The messages of a `fields` dict literal or comprehension: `{"name": ["...", ...]}`."""
    if isinstance(node, ast.DictComp):
        values = [node.value]
    elif isinstance(node, ast.Dict):
        values = [value for value in node.values if value is not None]
    else:
        return []
    messages: list[ast.expr] = []
    for value in values:
        if isinstance(value, ast.List | ast.Tuple):
            messages.extend(value.elts)
        else:
            messages.append(value)
    return messages


def bare_messages(source: str) -> list[tuple[int, str]]:
    """(line, error class) of every domain error raised with an untranslatable message."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        if _called_name(node) == "hit" and "message" in keywords:  # ratelimit.hit
            if _is_bare_text(keywords["message"]):
                found.append((keywords["message"].lineno, "hit"))
            continue
        if _called_name(node) not in ERROR_CLASSES:
            continue
        detail = node.args[0] if node.args else keywords.get("detail")
        fields = node.args[1] if len(node.args) > 1 else keywords.get("fields")
        messages = [detail] if detail is not None else []
        if fields is not None:
            messages.extend(_field_messages(fields))
        lines = sorted({message.lineno for message in messages if _is_bare_text(message)})
        found.extend((line, _called_name(node) or "") for line in lines)
    return found


def test_the_error_classes_are_all_known():
    assert ERROR_CLASSES == {
        "DomainError", "Invalid", "NotAuthenticated", "Forbidden", "NotFound", "Conflict",
        "TooLarge", "RateLimited",
    }


@pytest.mark.parametrize(("source", "expected"), [
    ('raise Invalid("No.")', [(1, "Invalid")]),
    ('raise errors.NotFound(f"No {x}.")', [(1, "NotFound")]),
    ('raise Conflict("No %s." % x)', [(1, "Conflict")]),
    ('raise Forbidden("No {}.".format(x))', [(1, "Forbidden")]),
    ('raise Invalid(_("No."), {"body": ["Too long."]})', [(1, "Invalid")]),
    ('raise Invalid(_("No."), {name: ["Read only."] for name in names})', [(1, "Invalid")]),
    ('raise Invalid(detail=_("No."), fields={"body": [_("Too long."), "Empty."]})',
     [(1, "Invalid")]),
    ('raise RateLimited(_("Slow down."))', []),
    ('raise Invalid(gettext("No %(n)s.") % {"n": n}, {"body": [_("Too long.")]})', []),
    ('raise Invalid(ngettext("One.", "%(n)s.", n) % {"n": n})', []),
    ('raise NotAuthenticated(message)', []),
    ('ratelimit.hit("post", user.pk, message="Slow down.")', [(1, "hit")]),
    ('ratelimit.hit("post", user.pk, message=_("Slow down."))', []),
    ('raise Invalid(str(exc), {"body": messages})', []),
])
def test_the_walk_tells_bare_messages_from_translated_ones(source, expected):
    assert bare_messages(source) == expected


def test_every_domain_error_message_is_marked_for_translation():
    bare = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in _modules()
        for line, name in bare_messages(path.read_text(encoding="utf-8"))
    ]
    assert _modules(), "no module found under the package"
    assert bare == [], "domain errors raised with a bare message:\n" + "\n".join(bare)
