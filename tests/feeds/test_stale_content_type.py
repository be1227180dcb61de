"""feeds/0002 removes the content type FeedItem left in posts (and its permissions), where
a database has it, and nothing else; run again, it changes nothing."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

pytestmark = pytest.mark.django_db

migration = import_module("townsquare.feeds.migrations.0002_remove_stale_posts_feeditem_type")


def run() -> None:
    migration.remove_stale_type(apps, SimpleNamespace(connection=connection))


def types() -> set[tuple[str, str]]:
    return set(ContentType.objects.values_list("app_label", "model"))


def test_the_stale_type_and_its_permissions_go_and_nothing_else():
    stale = ContentType.objects.create(app_label="posts", model="feeditem")
    for action in ("add", "change", "delete", "view"):
        Permission.objects.create(content_type=stale, codename=f"{action}_feeditem",
                                  name=f"Can {action} feed item")
    group = Group.objects.create(name="Moderators")
    group.permissions.add(*Permission.objects.filter(content_type=stale),
                          Permission.objects.get(codename="view_post"))
    before_types, before_permissions = types(), Permission.objects.count()

    run()

    assert types() == before_types - {("posts", "feeditem")}
    assert ("feeds", "feeditem") in types() and ("posts", "post") in types()
    assert Permission.objects.count() == before_permissions - 4
    assert list(group.permissions.values_list("codename", flat=True)) == ["view_post"]
    assert Permission.objects.filter(content_type__app_label="feeds",
                                     codename="view_feeditem").exists()


def test_running_it_again_or_on_a_new_database_changes_nothing():
    assert ("posts", "feeditem") not in types()  # a new database never had it
    before = (types(), set(Permission.objects.values_list("content_type_id", "codename")))

    run()
    run()

    assert (types(), set(Permission.objects.values_list("content_type_id", "codename"))) == before
