"""Key rotation: put a new key first, run rotate_tip_keys, drop the old key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from townsquare.tips import actions, crypto, selectors
from townsquare.tips.models import Tip, TipIdempotency, TipMessage

pytestmark = pytest.mark.django_db


def test_rotation_re_encrypts_everything_with_the_new_key(tips_world, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TOWNSQUARE_TIP_KEYS = old
    sent = actions.submit_tip(agency=tips_world["police"], body="Under the old key",
                              idempotency_key="k")
    actions.staff_reply(tips_world["users"]["tips"], sent.tip, "Answered under the old key")
    actions.add_note(tips_world["users"]["tips"], sent.tip, "A note")
    before = Tip.objects.get().body_token

    settings.TOWNSQUARE_TIP_KEYS = f"{new},{old}"
    out = io.StringIO()
    call_command("rotate_tip_keys", stdout=out)
    assert out.getvalue().strip() == (
        "Re-encrypted with the first key: 1 tips, 1 messages, 1 notes, 0 attachments, "
        "1 stored codes.")
    assert Tip.objects.get().body_token != before

    settings.TOWNSQUARE_TIP_KEYS = new  # the old key is gone
    tip = Tip.objects.get()
    assert tip.body == "Under the old key"
    assert [m.body for m in TipMessage.objects.all()] == ["Answered under the old key"]
    assert crypto.decrypt_text(TipIdempotency.objects.get().code_token) == sent.code
    assert selectors.thread_for_code(sent.code).tip == tip  # codes do not depend on the keys

    settings.TOWNSQUARE_TIP_KEYS = old
    with pytest.raises(InvalidToken):
        Tip.objects.get().body  # noqa: B018


def test_without_keys_one_is_generated_once_into_the_var_dir(settings, tmp_path):
    settings.TOWNSQUARE_TIP_KEYS = ""
    settings.VAR_DIR = tmp_path
    token = crypto.encrypt_text("hello")
    assert (tmp_path / "tip_keys").stat().st_mode & 0o777 == 0o600
    assert crypto.decrypt_text(token) == "hello"
    assert crypto.configured_keys() == [(tmp_path / "tip_keys").read_bytes().strip()]
