"""Message catalogs (Danish default, English complete) and locale-aware formatting.

Catalogs are JSON files ``<lang>/<domain>.json`` holding flat ``{"key": "text"}``
maps; a message is addressed as ``"domain.key"``. Texts use ``str.format`` fields:
``t("app.saved_at", time="10:02")``. Numbers and dates are formatted with Babel,
the Danish way in Danish (decimal comma, 31.03.2026).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
_LOCALES = {"da": "da_DK", "en": "en_GB"}
_DIR = Path(__file__).parent


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, keyed ``domain.key``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    messages: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, text in data.items():
            messages[f"{path.stem}.{key}"] = text
    return messages


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **fields: object) -> str:
    """The message ``key`` in ``lang``; a missing key shows as the key itself."""
    text = catalog(lang).get(key)
    if text is None:
        text = catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format_map(_Fields(fields))


class _Fields(dict):
    """Fields for ``str.format_map``; a missing one shows as ``{name}``, never an error."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalog(lang)


def number(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """``1234.5`` -> ``1.234,5`` (da) / ``1,234.5`` (en)."""
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=fmt, locale=_LOCALES[lang])


def percent(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 0) -> str:
    """``0.415`` -> ``42 %`` (da) / ``42%`` (en)."""
    sep = "\u00a0" if lang == "da" else ""
    fmt = "#,##0" + ("." + "0" * digits if digits > 0 else "") + sep + "%"
    return format_percent(value, format=fmt, locale=_LOCALES[lang])


def day(value: date, lang: str = DEFAULT_LANGUAGE, style: str = "short") -> str:
    """A date: ``31.03.2026`` (da short), ``31. mar. 2026`` (da medium), ``31 Mar 2026``..."""
    if style == "short" and lang == "da":
        return value.strftime("%d.%m.%Y")
    return format_date(value, format=style, locale=_LOCALES[lang])


def moment(value: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """A point in time, for 'saved at' lines, in the server's local time zone."""
    return format_datetime(value.astimezone(), format="short", locale=_LOCALES[lang])
