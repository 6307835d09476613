"""``samlad token issue --role person``: the participant's token for their own reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.auth.principal import Role
from adapters.auth.tokens import load_verifying_key, verify_token
from adapters.pseudonym import Pseudonymiser
from services.cli.main import main

PERSONNUMMER = "19811218-9876"


def issued(capsys: pytest.CaptureFixture[str], data_dir: Path, *extra: str) -> str:
    assert main(["token", "issue", "--role", "person", "--data-dir", str(data_dir), *extra]) == 0
    return capsys.readouterr().out.strip()


def test_a_person_token_is_issued_from_a_personnummer_as_its_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = issued(capsys, tmp_path, "--personnummer", PERSONNUMMER)

    principal = verify_token(load_verifying_key(tmp_path), token)
    expected = Pseudonymiser.from_file(tmp_path / "keys" / "pseudonym.key").person_ref(PERSONNUMMER)
    assert principal.role is Role.PERSON
    assert principal.person_ref == expected
    assert PERSONNUMMER not in principal.subject


def test_a_person_token_without_a_person_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="person_ref"):
        main(["token", "issue", "--role", "person", "--data-dir", str(tmp_path)])
