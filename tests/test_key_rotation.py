"""Personal data and FIELD_ENCRYPTION_KEY (issue 14 §2): a wrong key is a clear error, never a
blank; several keys decrypt, the first encrypts; `safecampus rotate-keys` moves everything onto
the first key, in batches, idempotently."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import authenticate

from safecampus import cli
from safecampus.accounts.models import User
from safecampus.core import crypto, key_rotation
from safecampus.roster.models import ImportBatch, Student
from tests.roster.factories import student_rows
from tests.roster.ui import import_students

NEW = Fernet.generate_key().decode()
OTHER = Fernet.generate_key().decode()


def test_wrong_key_raises_a_clear_error_not_a_blank(demo, settings) -> None:
    county = User.objects.get(username="demo_county")
    assert county.phone == "13906330003"
    settings.FIELD_ENCRYPTION_KEY = OTHER
    county = User.objects.get(username="demo_county")
    with pytest.raises(crypto.DecryptionError, match="FIELD_ENCRYPTION_KEY"):
        _ = county.phone
    with pytest.raises(crypto.DecryptionError, match="FIELD_ENCRYPTION_KEY"):
        crypto.decrypt_bytes(Fernet(NEW).encrypt(b"roster"))


def test_first_key_encrypts_every_listed_key_decrypts(demo, settings) -> None:
    settings.FIELD_ENCRYPTION_KEY = OTHER
    old = crypto.encrypt("13800000001")
    settings.FIELD_ENCRYPTION_KEY = f"{NEW}, {OTHER}"
    assert crypto.decrypt(old) == "13800000001" and not crypto.is_current(old)
    fresh = crypto.encrypt("13800000002")
    assert Fernet(NEW.encode()).decrypt(fresh.encode()) == b"13800000002" and crypto.is_current(fresh)
    settings.FIELD_ENCRYPTION_KEY = NEW
    assert crypto.decrypt(fresh) == "13800000002"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old)


def _personal_data() -> dict:
    users = {u.username: (u.phone, u.id_card) for u in User.objects.exclude(phone_enc="")}
    students = {s.pk: s.id_card for s in Student.objects.exclude(id_card_enc="")}
    return {"users": users, "students": students}


def test_rotate_keys_moves_every_value_onto_the_first_key(
    demo, settings, school, principal, tmp_path, capsys
) -> None:
    """From the development key (FIELD_ENCRYPTION_KEY unset) onto a real key, as an installation
    that started without one does; small batches so that several are needed."""
    settings.MEDIA_ROOT = tmp_path
    batch = import_students(school, principal, student_rows(4, grade="三年级"))
    before = _personal_data()
    assert len(before["users"]) > 10 and len(before["students"]) == 4
    upload = ImportBatch.objects.get(pk=batch.pk).file.read()

    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{crypto.development_key()}"
    assert cli.main(["rotate-keys", "--batch-size", "3"]) == 0
    out = capsys.readouterr().out
    stored = sum(m._base_manager.exclude(**{f: ""}).count() for m, f, _h in key_rotation.encrypted_columns())
    assert stored > len(before["users"]) + 4
    assert f"re-encrypted {stored + 1} values" in out  # + the uploaded file
    columns = ("accounts.User.phone_enc", "roster.Student.id_card_enc", "roster.ImportBatch.credentials_enc")
    for column in columns:
        assert f"{column}: " in out and f"{column}: 0 re-encrypted" not in out
    assert "roster.ImportBatch.file (files): 1 re-encrypted" in out

    settings.FIELD_ENCRYPTION_KEY = NEW  # the old key is gone: everything still reads
    assert _personal_data() == before
    assert ImportBatch.objects.get(pk=batch.pk).file.read() != upload
    from safecampus.roster.batches import read_batch_file

    assert read_batch_file(ImportBatch.objects.get(pk=batch.pk)).startswith("年级".encode("gbk"))
    # lookup hashes follow the new key: sign-in by phone and exact search still find people
    assert authenticate(None, username="13906330003", password="Demo@2026").username == "demo_county"
    phone = before["users"]["demo_county"][0]
    assert User.objects.get(phone_hash=crypto.lookup_hash(phone)).username == "demo_county"
    card = next(iter(before["students"].values()))
    assert Student.objects.filter(id_card_hash=crypto.lookup_hash(card)).count() == 1

    assert cli.main(["rotate-keys"]) == 0  # idempotent
    assert "re-encrypted 0 values" in capsys.readouterr().out


def test_rotate_keys_reports_values_no_key_opens(demo, settings, capsys) -> None:
    settings.FIELD_ENCRYPTION_KEY = OTHER
    stray = crypto.encrypt("13800000009")
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{crypto.development_key()}"
    User.objects.filter(username="demo_guard").update(phone_enc=stray)
    assert cli.main(["rotate-keys"]) == 1
    captured = capsys.readouterr()
    assert "1 UNREADABLE" in captured.out and "cannot be decrypted" in captured.err
    assert User.objects.get(username="demo_guard").phone_enc == stray  # left as it was
