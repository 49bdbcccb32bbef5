"""Message catalogs: Danish and English complete, Danish number and date formats."""

from __future__ import annotations

import json
import string
from datetime import date
from pathlib import Path

import pytest

from hjemmekit import i18n

CATALOGS = Path(i18n.__file__).parent


def _domains(lang: str) -> set[str]:
    return {p.stem for p in (CATALOGS / lang).glob("*.json")}


def test_every_domain_exists_in_both_languages():
    assert _domains("da") == _domains("en")
    assert "app" in _domains("da")


@pytest.mark.parametrize("domain", sorted(_domains("da")))
def test_every_key_exists_in_both_languages_with_the_same_fields(domain):
    da = json.loads((CATALOGS / "da" / f"{domain}.json").read_text("utf-8"))
    en = json.loads((CATALOGS / "en" / f"{domain}.json").read_text("utf-8"))
    assert set(da) == set(en), f"{domain}: keys only in one language: {set(da) ^ set(en)}"
    fields = string.Formatter()
    for key in da:
        assert da[key].strip() and en[key].strip(), f"{domain}.{key} is empty"
        f_da = {f for _, f, _, _ in fields.parse(da[key]) if f}
        f_en = {f for _, f, _, _ in fields.parse(en[key]) if f}
        assert f_da == f_en, f"{domain}.{key}: fields differ {f_da} vs {f_en}"


def test_lookup_and_fields():
    assert i18n.t("app.next") == "Næste"
    assert i18n.t("app.next", "en") == "Next"
    assert i18n.t("app.previous") == "Forrige"
    assert i18n.t("app.progress_text", "da", done=2, total=5) == "2 af 5 trin udfyldt"
    assert i18n.t("app.progress_text", "da") == "{done} af {total} trin udfyldt"
    assert i18n.t("no.such_key") == "no.such_key"
    with pytest.raises(ValueError, match="unknown language"):
        i18n.catalog("de")


def test_danish_number_and_date_formats():
    assert i18n.number(1234.5) == "1.234,5"
    assert i18n.number(1234.5, "en") == "1,234.5"
    assert i18n.number(-0.25, "da", 2) == "-0,25"
    assert i18n.percent(0.415) == "42\u00a0%"
    assert i18n.day(date(2026, 3, 31)) == "31.03.2026"
    assert i18n.day(date(2026, 3, 31), "da", "long") == "31. marts 2026"
    assert i18n.day(date(2026, 3, 31), "en", "long") == "31 March 2026"
