"""The rules engine: requirements, their reasons, sources and texts."""

from __future__ import annotations

import dataclasses
import json
import string
from pathlib import Path

import pytest

from hjemmekit import rules
from hjemmekit.i18n import has
from hjemmekit.model import (
    REQUIREMENTS,
    ArrangementStep,
    Case,
    CaseArrangement,
    RequirementStatus,
    SuitabilityStep,
    Workbook,
)
from hjemmekit.rules import (
    FLAG_KEYS,
    INDIVIDUAL_AGREEMENT_ELEMENTS,
    SOURCES,
    Flag,
    effective_kind,
    flags_for,
    home_days_per_week,
    open_requirements,
    workbook_flags,
)

CATALOG_DIR = Path(rules.__file__).parent / "i18n"
LANGS = ("da", "en")


def arr(kind=None, home_days=(), per_week=None, screen=True, done=(), case_id="c1", **kw):
    """An arrangement; ``done`` lists the requirements marked done."""
    return CaseArrangement(
        case_id=case_id,
        kind=kind,
        home_days=list(home_days),
        home_days_per_week=per_week,
        screen_work_at_home=screen,
        requirements={k: RequirementStatus(done=True) for k in done},
        **kw,
    )


def by_key(flags: list[Flag]) -> dict[str, Flag]:
    keys = [f.key for f in flags]
    assert len(keys) == len(set(keys)), keys
    return {f.key: f for f in flags}


def workbook(*arrangements: CaseArrangement) -> Workbook:
    cases = [Case(id=a.case_id, name=f"Case {a.case_id}") for a in arrangements]
    return Workbook(
        suitability=SuitabilityStep(cases=cases),
        arrangement=ArrangementStep(arrangements=list(arrangements)),
    )


# A spread of arrangements used to check that every text renders.
SAMPLES = [
    arr(),
    arr(per_week=2),
    arr("ad_hoc"),
    arr("ad_hoc", per_week=0),
    arr("ad_hoc", per_week=1),
    arr("ad_hoc", per_week=2.5),
    arr("ad_hoc", per_week=5),
    arr("ad_hoc", home_days=["mon"]),
    arr("ad_hoc", office_days=["tue", "thu"], per_week=1.5),
    arr("fixed_recurring"),
    arr("fixed_recurring", per_week=2),
    arr("fixed_recurring", home_days=["mon", "wed"]),
    arr("fixed_recurring", home_days=["mon", "wed", "fri"], screen=False),
    arr("fixed_recurring", home_days=["mon", "tue", "wed", "thu", "fri"]),
    arr("fixed_recurring", per_week=5),
]


# --- Days -----------------------------------------------------------------------------


def test_home_days_per_week_counts_fixed_days_then_average():
    assert home_days_per_week(arr("fixed_recurring", home_days=["mon", "wed"])) == 2.0
    assert home_days_per_week(arr("fixed_recurring", home_days=["wed", "mon", "mon"])) == 2.0
    assert home_days_per_week(arr("ad_hoc", per_week=2.5)) == 2.5
    # A fixed pattern wins over a (stale) average.
    assert home_days_per_week(arr("fixed_recurring", home_days=["mon"], per_week=4)) == 1.0
    assert home_days_per_week(arr("ad_hoc")) is None
    assert home_days_per_week(arr()) is None


# --- Screen work ----------------------------------------------------------------------


def test_exactly_two_fixed_days_is_not_screen_rule():
    flag = by_key(flags_for(arr("fixed_recurring", home_days=["mon", "wed"])))["screen_equipment"]
    assert not flag.required
    assert flag.reason_key == "rules.reason.screen_at_most_two"
    assert flag.level == "not_required"


def test_exactly_two_average_days_is_not_screen_rule():
    flag = by_key(flags_for(arr("ad_hoc", per_week=2.0)))["screen_equipment"]
    assert not flag.required


def test_ad_hoc_average_above_two_is_screen_rule():
    flag = by_key(flags_for(arr("ad_hoc", per_week=2.5)))["screen_equipment"]
    assert flag.required
    assert flag.reason_key == "rules.reason.screen_above"
    assert "2,5" in flag.reason("da")
    assert "2.5" in flag.reason("en")


def test_three_fixed_days_is_screen_rule():
    flag = by_key(flags_for(arr("fixed_recurring", home_days=["mon", "wed", "fri"])))
    assert flag["screen_equipment"].required


def test_no_screen_work_at_home_no_screen_rule():
    flags = by_key(flags_for(arr("fixed_recurring", home_days=["mon", "tue", "wed"], screen=False)))
    assert not flags["screen_equipment"].required
    assert flags["screen_equipment"].reason_key == "rules.reason.screen_none"


def test_screen_rule_undetermined_without_days():
    flag = by_key(flags_for(arr("ad_hoc")))["screen_equipment"]
    assert not flag.required
    assert flag.level == "undetermined"


# --- Kinds and agreements -------------------------------------------------------------


def test_fixed_recurring_needs_local_and_individual_agreement_and_su():
    flags = by_key(flags_for(arr("fixed_recurring", home_days=["mon", "wed"])))
    for key in ("su_informed", "local_agreement", "individual_agreements", "apv_updated"):
        assert flags[key].required, key
    assert "reclassify" not in flags and "part_time_only" not in flags
    local = flags["local_agreement"]
    assert local.source == SOURCES["medst_arrangement"]
    assert SOURCES["pav_distance"] in local.also


def test_fixed_recurring_without_pattern_still_needs_agreements():
    flags = by_key(flags_for(arr("fixed_recurring")))
    assert flags["local_agreement"].required
    assert flags["individual_agreements"].required
    assert "ugemønsteret er ikke udfyldt" in flags["local_agreement"].reason("da")


def test_individual_agreement_lists_eight_elements():
    flag = by_key(flags_for(arr("fixed_recurring", home_days=["mon"])))["individual_agreements"]
    assert flag.elements == INDIVIDUAL_AGREEMENT_ELEMENTS
    assert len(flag.elements) == 8
    assert set(flag.elements) == {
        "who",
        "where",
        "time_frame",
        "contact_hours",
        "equipment",
        "costs",
        "start_date",
        "termination",
    }
    for lang in LANGS:
        labels = flag.element_labels(lang)
        assert [k for k, _ in labels] == list(INDIVIDUAL_AGREEMENT_ELEMENTS)
        assert all(label and label != f"rules.element.{k}" for k, label in labels)
    assert dict(flag.element_labels("da"))["contact_hours"].startswith("Kontakttid")


def test_ad_hoc_without_pattern_needs_no_agreements():
    flags = by_key(flags_for(arr("ad_hoc", per_week=1)))
    assert not flags["local_agreement"].required
    assert not flags["individual_agreements"].required
    assert flags["local_agreement"].level == "not_required"
    assert "reclassify" not in flags
    assert effective_kind(arr("ad_hoc", per_week=1)) == "ad_hoc"


def test_ad_hoc_with_regular_pattern_is_reclassified_as_fixed():
    a = arr("ad_hoc", home_days=["fri"])
    flags = by_key(flags_for(a))
    assert effective_kind(a) == "fixed_recurring"
    assert flags["reclassify"].kind == "warning"
    assert flags["reclassify"].level == "warning"
    assert flags["local_agreement"].required
    assert flags["individual_agreements"].required
    assert flags["su_informed"].required
    # One day only: regularity, not the number of days, decides.
    assert "fredag" in flags["reclassify"].reason("da")
    assert "Friday" in flags["reclassify"].reason("en")


def test_fixed_office_days_alone_do_not_reclassify():
    flags = by_key(flags_for(arr("ad_hoc", office_days=["tue", "thu"], per_week=1)))
    assert "reclassify" not in flags
    assert not flags["local_agreement"].required


@pytest.mark.parametrize(
    "a, reason",
    [
        (arr("fixed_recurring", home_days=["mon", "tue", "wed", "thu", "fri"]), "full_week_fixed"),
        (arr("fixed_recurring", per_week=5), "full_week_fixed"),
        (arr("ad_hoc", home_days=["mon", "tue", "wed", "thu", "fri"]), "full_week_fixed"),
        (arr("ad_hoc", per_week=5), "full_week_other"),
        (arr(per_week=5), "full_week_other"),
    ],
)
def test_all_five_days_is_an_error(a, reason):
    flags = by_key(flags_for(a))
    error = flags["part_time_only"]
    assert error.kind == "error" and error.level == "error"
    assert error.reason_key == f"rules.reason.{reason}"
    assert error.source is not None
    assert not error.required  # not a requirement: never counted as open


@pytest.mark.parametrize(
    "a",
    [
        arr("fixed_recurring", home_days=["mon", "tue", "wed", "thu"]),
        arr("fixed_recurring", per_week=4.5),
        arr("ad_hoc", per_week=4),
    ],
)
def test_less_than_all_five_days_is_no_error(a):
    assert "part_time_only" not in by_key(flags_for(a))


def test_kind_none_asks_to_choose_first():
    flags = by_key(flags_for(arr()))
    assert flags["choose_kind"].kind == "info"
    assert list(flags)[0] == "choose_kind"
    for key in ("su_informed", "local_agreement", "individual_agreements"):
        assert not flags[key].required
        assert flags[key].level == "undetermined"
    assert not flags["apv_updated"].required  # no home working entered at all
    for lang in LANGS:
        assert all(f.text(lang) for f in flags.values())


def test_kind_none_with_days_still_counts_as_home_working():
    flags = by_key(flags_for(arr(per_week=3)))
    assert "choose_kind" in flags
    assert flags["apv_updated"].required
    assert flags["screen_equipment"].required
    assert effective_kind(arr(home_days=["mon"])) is None


# --- APV ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a",
    [
        arr("ad_hoc"),
        arr("ad_hoc", per_week=0),
        arr("ad_hoc", per_week=0.5),
        arr("ad_hoc", home_days=["mon"]),
        arr("fixed_recurring"),
        arr("fixed_recurring", home_days=["tue", "thu"]),
        arr(per_week=1),
        arr(home_days=["wed"]),
    ],
)
def test_apv_required_whenever_there_is_home_working(a):
    flag = by_key(flags_for(a))["apv_updated"]
    assert flag.required
    assert flag.source == SOURCES["at_home_working"]


def test_apv_not_required_without_any_home_working():
    assert not by_key(flags_for(arr(per_week=0)))["apv_updated"].required


# --- SU -------------------------------------------------------------------------------


def test_su_recommended_not_required_for_ad_hoc_only():
    a, b = arr("ad_hoc", per_week=1, case_id="a"), arr("ad_hoc", per_week=2, case_id="b")
    wb = workbook(a, b)
    for flags in workbook_flags(wb).values():
        su = by_key(flags)["su_informed"]
        assert not su.required and su.recommended
        assert su.level == "recommended"
        assert su.reason_key == "rules.reason.su_ad_hoc"
    assert by_key(flags_for(a))["su_informed"].recommended  # without a workbook too


def test_su_required_everywhere_once_any_case_is_fixed():
    a = arr("ad_hoc", per_week=1, case_id="a")
    b = arr("fixed_recurring", home_days=["mon"], case_id="b")
    wb = workbook(a, b)
    flags = workbook_flags(wb)
    su_a = by_key(flags["a"])["su_informed"]
    assert su_a.required and not su_a.recommended
    assert su_a.reason_key == "rules.reason.su_workplace"
    assert by_key(flags["b"])["su_informed"].reason_key == "rules.reason.su_fixed"
    # Case a itself stays ad hoc: no agreements needed for it.
    assert not by_key(flags["a"])["local_agreement"].required


def test_su_required_when_another_case_is_reclassified():
    a = arr("ad_hoc", per_week=1, case_id="a")
    b = arr("ad_hoc", home_days=["wed"], case_id="b")
    su = by_key(flags_for(a, workbook(a, b)))["su_informed"]
    assert su.required


def test_su_required_for_undecided_case_in_workbook_with_fixed():
    a = arr(case_id="a")
    b = arr("fixed_recurring", case_id="b")
    assert by_key(flags_for(a, workbook(a, b)))["su_informed"].required


# --- Status and open requirements -----------------------------------------------------


def test_status_read_from_requirements():
    a = arr("fixed_recurring", home_days=["mon", "wed", "fri"], done=["local_agreement"])
    a.requirements["apv_updated"] = RequirementStatus(done=False, note="in progress")
    flags = by_key(flags_for(a))
    assert flags["local_agreement"].status is True
    assert flags["local_agreement"].done and not flags["local_agreement"].open
    assert flags["apv_updated"].status is False and flags["apv_updated"].open
    assert flags["individual_agreements"].status is False  # missing entry: not done


def test_open_requirements_lists_required_and_not_done():
    a = arr("fixed_recurring", home_days=["mon", "wed", "fri"], case_id="a", done=["su_informed"])
    b = arr("ad_hoc", per_week=1, case_id="b", done=["apv_updated"])
    wb = workbook(a, b)
    found = [(name, f.key) for name, f in open_requirements(wb)]
    assert found == [
        ("Case a", "local_agreement"),
        ("Case a", "individual_agreements"),
        ("Case a", "apv_updated"),
        ("Case a", "screen_equipment"),
        ("Case b", "su_informed"),  # required in b too: a is fixed recurring
    ]
    assert all(f.required and not f.status for _, f in open_requirements(wb))


def test_open_requirements_falls_back_to_case_id_and_skips_errors():
    a = arr("fixed_recurring", per_week=5, case_id="orphan")
    wb = Workbook(arrangement=ArrangementStep(arrangements=[a]))
    found = open_requirements(wb)
    assert {name for name, _ in found} == {"orphan"}
    assert "part_time_only" not in {f.key for _, f in found}


def test_workbook_flags_keyed_by_case_id():
    wb = workbook(arr("ad_hoc", case_id="a"), arr(case_id="b"))
    flags = workbook_flags(wb)
    assert set(flags) == {"a", "b"}
    assert workbook_flags(Workbook()) == {}
    assert open_requirements(Workbook()) == []


# --- Shape, sources and texts ---------------------------------------------------------


@pytest.mark.parametrize("a", SAMPLES)
def test_every_requirement_has_one_flag_in_order_after_info_flags(a):
    flags = flags_for(a)
    keys = [f.key for f in flags]
    requirement_keys = [f.key for f in flags if f.is_requirement]
    assert requirement_keys == list(REQUIREMENTS)
    info = [f for f in flags if not f.is_requirement]
    assert keys[: len(info)] == [f.key for f in info]
    assert all(f.key in FLAG_KEYS for f in flags)
    assert all(not (f.required and f.recommended) for f in flags)


@pytest.mark.parametrize("a", SAMPLES)
def test_source_present_on_every_flag(a):
    for f in flags_for(a):
        assert f.source is not None, f.key
        assert f.source.title and f.source.publisher
        for lang in LANGS:
            text = f.source_text(lang)
            assert f.source.publisher in text
            assert text.startswith("Kilde: " if lang == "da" else "Source: ")


def test_sources_written_as_in_the_guidance():
    assert SOURCES["medst_arrangement"].url_path == (
        "medst.dk, …/regler-og-rammer/tilrettelaeggelse/"
    )
    assert SOURCES["pav_distance"].url_path == (
        "pav.medst.dk, arbejdstidsregler-mv/distancearbejde/"
    )
    assert SOURCES["medst_su"].url_path == (
        "medst.dk, …/regler-og-rammer/samarbejdsudvalg-og-tillidsrepraesentanter/"
    )
    assert "3.1.7" in SOURCES["at_home_working"].title
    assert SOURCES["at_home_working"].publisher == "Arbejdstilsynet"
    local = by_key(flags_for(arr("fixed_recurring")))["local_agreement"]
    text = local.source_text("en")
    assert "medst.dk, …/regler-og-rammer/tilrettelaeggelse/" in text
    assert "pav.medst.dk, arbejdstidsregler-mv/distancearbejde/" in text


@pytest.mark.parametrize("a", SAMPLES)
@pytest.mark.parametrize("lang", LANGS)
def test_texts_render_in_both_languages(a, lang):
    for f in flags_for(a):
        text = f.text(lang)
        assert f.label(lang) in text and f.reason(lang) in text
        assert "rules." not in text  # no key shown in place of a text
        assert "{" not in text and "}" not in text
        assert f.level_text(lang) != f"rules.level.{f.level}"


def test_danish_text_reads_danish():
    flags = by_key(flags_for(arr("fixed_recurring", home_days=["mon", "wed"])))
    text = flags["local_agreement"].text("da")
    assert text.startswith("Lokalaftale med tillidsrepræsentanten (krævet)")
    assert "2 faste hjemmedage om ugen: mandag og onsdag" in text
    single = by_key(flags_for(arr("ad_hoc", per_week=1)))["screen_equipment"].reason("da")
    assert "1 hjemmedag om ugen" in single
    en = flags["local_agreement"].text("en")
    assert "2 fixed home days a week: Monday and Wednesday" in en


def _catalog_file(lang: str) -> dict[str, str]:
    return json.loads((CATALOG_DIR / lang / "rules.json").read_text(encoding="utf-8"))


def test_catalogs_have_the_same_keys_and_fields():
    da, en = _catalog_file("da"), _catalog_file("en")
    assert set(da) == set(en)
    formatter = string.Formatter()
    for key in da:
        assert da[key].strip() and en[key].strip(), key
        fields_da = {f for _, f, _, _ in formatter.parse(da[key]) if f}
        fields_en = {f for _, f, _, _ in formatter.parse(en[key]) if f}
        assert fields_da == fields_en, key


def test_every_flag_key_and_element_has_text_in_both_languages():
    for lang in LANGS:
        for key in FLAG_KEYS:
            assert has(f"rules.{key}", lang), (lang, key)
        for element in INDIVIDUAL_AGREEMENT_ELEMENTS:
            assert has(f"rules.element.{element}", lang), (lang, element)
        for level in (
            "required",
            "recommended",
            "not_required",
            "undetermined",
            "info",
            "warning",
            "error",
        ):
            assert has(f"rules.level.{level}", lang), (lang, level)
        for source in SOURCES.values():
            assert has(f"rules.source.{source.key}", lang), (lang, source.key)


def test_every_reason_used_exists_in_both_languages():
    used = {f.reason_key for a in SAMPLES for f in flags_for(a)}
    used |= {
        f.reason_key
        for f in flags_for(
            arr("ad_hoc", per_week=1, case_id="a"),
            workbook(arr("ad_hoc", per_week=1, case_id="a"), arr("fixed_recurring", case_id="b")),
        )
    }
    reasons = {k for k in _catalog_file("da") if k.startswith("reason.")}
    assert {k.removeprefix("rules.") for k in used} == reasons  # none missing, none unused
    for key in used:
        for lang in LANGS:
            assert has(key, lang), (lang, key)


def test_source_title_translated_in_english():
    src = SOURCES["medst_su"]
    assert src.display_title("da") == src.title
    assert src.display_title("en") != src.title
    own = rules.Source(title="Egen kilde", publisher="X")
    assert own.display_title("en") == "Egen kilde"
    assert own.text("en") == "X: Egen kilde"


def test_flags_are_plain_data():
    flags = flags_for(arr("ad_hoc", home_days=["mon", "wed"]))
    data = [dataclasses.asdict(f) for f in flags]
    assert data[0]["params"] == {"weekdays": ("mon", "wed"), "days": 2.0}
    assert data[1]["source"]["url_path"].startswith("medst.dk")
