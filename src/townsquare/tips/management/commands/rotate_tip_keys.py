"""`townsquare rotate_tip_keys`: re-encrypt every tip, message, note, attachment and
stored code with the first key of TOWNSQUARE_TIP_KEYS (docs/tips-and-questions.md).

Run it after putting a new key first (old keys after it, so that everything still
decrypts); once it is done, the old keys can be removed. It is safe to run again, and to
interrupt: each batch is its own transaction, and a row already under the first key is
left as it is (MultiFernet.rotate keeps its contents)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from townsquare.tips import crypto
from townsquare.tips.models import Tip, TipAttachment, TipIdempotency, TipMessage, TipNote

FIELDS = [(Tip, "body_token", "tips"), (TipMessage, "body_token", "messages"),
          (TipNote, "body_token", "notes"), (TipAttachment, "data_token", "attachments"),
          (TipIdempotency, "code_token", "stored codes")]


class Command(BaseCommand):
    help = "Re-encrypt every stored tip with the first key of TOWNSQUARE_TIP_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch"])
        counts = []
        for model, name, label in FIELDS:
            done = 0
            last = 0
            while True:
                with transaction.atomic():
                    rows = list(model.objects.select_for_update().filter(pk__gt=last)
                                .order_by("pk").only("pk", name)[:batch])
                    if not rows:
                        break
                    for row in rows:
                        setattr(row, name, crypto.rotate(getattr(row, name)))
                    model.objects.bulk_update(rows, [name])
                last = rows[-1].pk
                done += len(rows)
            counts.append(f"{done} {label}")
        self.stdout.write("Re-encrypted with the first key: " + ", ".join(counts) + ".")
