"""The feed rows are an app of their own, below posts and agencies (docs/feeds.md): the
model moved there by state-only migrations, and the app imports neither of its users."""

from __future__ import annotations

import ast
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

import townsquare
from townsquare.feeds.models import FeedItem

PACKAGE = Path(townsquare.__file__).resolve().parent
MOVE = [("posts", "0003_feeditem_moves_to_feeds"), ("feeds", "0001_initial")]


def _imports(app: str) -> set[str]:
    """Every module that a module of `app` imports, at any depth of its code."""
    found = set()
    for path in (PACKAGE / app).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_feed_rows_belong_to_feeds_and_keep_their_table():
    assert (FeedItem._meta.app_label, FeedItem._meta.db_table) == ("feeds", "posts_feeditem")
    assert {f.name: f.related_model._meta.label for f in FeedItem._meta.get_fields()
            if f.many_to_one} == {"neighborhood": "places.Neighborhood",
                                  "post": "posts.Post", "agency_post": "agencies.AgencyPost"}


@pytest.mark.django_db
def test_the_migration_state_has_the_model_in_feeds_only():
    state = MigrationLoader(connection).project_state()

    assert ("posts", "feeditem") not in state.models
    moved = state.models["feeds", "feeditem"]
    assert moved.options["db_table"] == "posts_feeditem"
    assert sorted(index.name for index in moved.options["indexes"]) == [
        "feed_nbhd_agency_keyset", "feed_nbhd_keyset", "feed_nbhd_shared_keyset"]


def test_the_move_writes_nothing_to_the_database():
    for app, name in MOVE:
        migration = import_module(f"townsquare.{app}.migrations.{name}").Migration
        assert [(type(op).__name__, op.database_operations) for op in migration.operations] == [
            ("SeparateDatabaseAndState", [])], name


@pytest.mark.parametrize(("app", "others"), [
    ("feeds", ("townsquare.posts", "townsquare.agencies")),
    ("posts", ("townsquare.agencies",)),
    ("agencies", ("townsquare.posts",)),
])
def test_feeds_posts_and_agencies_do_not_import_each_other(app, others):
    assert sorted(module for module in _imports(app)
                  if module.startswith(others)) == []
