"""Seeded generator of example organisations.

``generate(size, seed)`` makes the five data kinds of the data-file contract (units,
survey, sickleave, production, dialogue) for a made-up Danish state workplace, with
known effects of a home-working trial built in (``TRUE_EFFECTS`` and friends), a common
seasonal trend, and small units that trip the privacy rules. ``write`` saves them as
CSV files named after their kind. The same size and seed give byte-identical files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SIZES: dict[str, int] = {"small": 60, "medium": 800, "large": 6_000, "state": 185_000}
"""Target number of employees per size."""

KINDS: tuple[str, ...] = ("units", "survey", "sickleave", "production", "dialogue")

BASELINE: tuple[str, str] = ("2026-01", "2026-03")
"""Baseline period (first and last month, inclusive), the same for every size."""
TRIAL: tuple[str, str] = ("2026-04", "2026-09")
"""Trial period (first and last month, inclusive), the same for every size."""
PRE: tuple[str, str] = ("2025-10", "2025-12")
"""Extra months before the baseline, only in ``state`` (which has a year of waves)."""
SURVEY_DAY = 15
"""Each monthly survey wave is dated the 15th of its month."""

QUESTIONS: tuple[str, ...] = (
    "concentration",
    "flexibility",
    "knowledge_sharing",
    "wellbeing",
    "workload",
    "cohesion",
    "manager_support",
)
"""The survey's 1-5 questions; all are keyed so that higher is better."""

QUESTION_TEXTS: dict[str, dict[str, str]] = {
    "concentration": {
        "da": "Jeg har gode muligheder for at koncentrere mig om mine opgaver",
        "en": "I have good opportunities to concentrate on my tasks",
    },
    "flexibility": {
        "da": "Jeg kan tilrettelægge min arbejdsdag fleksibelt",
        "en": "I can organise my working day flexibly",
    },
    "knowledge_sharing": {
        "da": "Jeg får let hjælp og sparring fra mine kolleger",
        "en": "I easily get help and sparring from my colleagues",
    },
    "wellbeing": {
        "da": "Jeg trives på min arbejdsplads",
        "en": "I thrive at my workplace",
    },
    "workload": {
        "da": "Min arbejdsmængde er passende",
        "en": "My workload is reasonable",
    },
    "cohesion": {
        "da": "Jeg føler mig som en del af et fællesskab på arbejdspladsen",
        "en": "I feel part of a community at my workplace",
    },
    "manager_support": {
        "da": "Ledere: Jeg er klædt på til at lede med hjemmearbejde. "
        "Medarbejdere: Min leder er klædt på til at lede med hjemmearbejde",
        "en": "Managers: I am equipped to lead with home working. "
        "Employees: My manager is equipped to lead with home working",
    },
}

AGE_GROUPS: tuple[str, ...] = ("under 30", "30-44", "45-59", "60+")
ROLES: tuple[str, ...] = ("employee", "manager")
GROUPS: tuple[str, ...] = ("trial", "comparison", "")
THEMES: tuple[str, ...] = ("koncentration", "videndeling", "møder", "trivsel", "udstyr", "ledelse")
METRICS: tuple[str, ...] = ("cases_closed", "processing_days", "customer_satisfaction")

TRUE_EFFECTS: dict[str, float] = {
    "concentration": 0.40,
    "flexibility": 0.60,
    "knowledge_sharing": -0.25,
    "wellbeing": 0.20,
    "workload": 0.0,
    "cohesion": -0.15,
    "manager_support": 0.0,
}
"""Effect of the trial on the expected 1-5 answer, for everyone in trial units during
the trial (before the 1-5 bounds, which attenuate it slightly)."""
MANAGER_EFFECTS: dict[str, float] = {"manager_support": -0.30}
"""Added to ``TRUE_EFFECTS`` for managers in trial units during the trial."""
RELATIVE_EFFECTS: dict[str, float] = {
    "sick_days": -0.10,
    "cases_closed": 0.03,
    "processing_days": -0.02,
    "customer_satisfaction": 0.0,
}
"""Relative effects in trial units during the trial: sick days per årsværk, cases
closed per årsværk, processing days; customer satisfaction is unaffected."""
SICK_DAYS_PER_FTE_YEAR = 8.3
"""Average sick days per årsværk per year in the state (regler-og-rammer.md)."""

# --- the organisation ---------------------------------------------------------------

# Office functions with what production data they report: "case" (cases closed and
# processing days), "service" (cases closed and customer satisfaction), "" (none).
_FUNCTIONS: tuple[tuple[str, str, float], ...] = (
    ("Sagsbehandling", "case", 6.0),
    ("Kontor for Borgerservice", "service", 2.0),
    ("Kontaktcenter", "service", 1.5),
    ("Kontor for Udbetaling", "case", 2.0),
    ("Kontor for Tilbagebetaling", "case", 1.0),
    ("Klagesager", "case", 1.5),
    ("Kontrol og Tilsyn", "case", 2.0),
    ("Kontor for Aktindsigt", "case", 0.7),
    ("Visitation", "case", 1.0),
    ("Tilskud og Puljer", "case", 1.0),
    ("Licenser og Godkendelser", "case", 1.0),
    ("Brugersupport", "service", 1.0),
    ("Digital Selvbetjening", "service", 0.7),
    ("Jura", "", 1.5),
    ("Lovgivning", "", 0.7),
    ("Persondata og Compliance", "", 0.7),
    ("HR og Løn", "", 1.0),
    ("Økonomi", "", 1.0),
    ("Regnskab", "", 0.7),
    ("Indkøb og Udbud", "", 0.7),
    ("Kommunikation", "", 0.7),
    ("Ledelsessekretariat", "", 0.5),
    ("IT-drift", "", 1.0),
    ("Systemudvikling", "", 1.0),
    ("IT-sikkerhed", "", 0.5),
    ("Data og Analyse", "", 1.0),
    ("Facility og Service", "", 0.5),
    ("Arkiv og Dokumentation", "", 0.5),
    ("Policy og Analyse", "", 0.7),
    ("Internationalt Samarbejde", "", 0.4),
    ("Statistik", "", 0.5),
    ("Risikovurdering", "", 0.5),
)
_FUNC_P = np.array([w for _, _, w in _FUNCTIONS]) / sum(w for _, _, w in _FUNCTIONS)

_SUFFIXES: tuple[str, ...] = (
    "Nord", "Syd", "Øst", "Vest", "Midt", "Aarhus", "Odense", "Aalborg", "Esbjerg",
    "Vejle", "Herning", "Roskilde", "Næstved", "Viborg", "Kolding", "Horsens", "Randers",
    "Holbæk", "Svendborg", "Hillerød", "Sønderborg", "Silkeborg", "Hjørring", "Ribe",
    "Thisted", "Haderslev", "Slagelse", "Tønder", "Frederikshavn", "Skive",
)  # fmt: skip

_CENTRES: tuple[str, ...] = (
    "Center for Ydelser", "Center for Kontrol", "Center for Jura og Klager",
    "Center for Digitalisering", "Center for Stab og Ressourcer", "Center for Borgerservice",
    "Center for Tilsyn", "Center for Data", "Center for Udbetaling", "Center for Drift",
    "Center for Analyse", "Center for Erhverv", "Center for Sagsbehandling",
    "Center for Udvikling",
)  # fmt: skip

# The state: policy areas (ministries) with the domains of their institutions.
_AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Beskæftigelse", ("Arbejdsmarked", "Ydelser", "Arbejdsmiljø", "Pension", "Rekruttering",
                       "Fleksjob", "Arbejdsskader")),
    ("Skat og Told", ("Told", "Vurdering", "Inddrivelse", "Motorregistrering", "Skatteforvaltning",
                      "Afgifter", "Ejendomsskat")),
    ("Justits", ("Kriminalforsorg", "Familieret", "Ankesager", "Retshjælp", "Civilret",
                 "Beredskab", "Færdselsret")),
    ("Forsvar", ("Materiel", "Forsvarsejendomme", "Hjemmeværn", "Personel", "Cybersikkerhed",
                 "Forsyning")),
    ("Sundhed", ("Patientsikkerhed", "Sundhedsdata", "Lægemidler", "Sundhedsberedskab",
                 "Forebyggelse", "Sygehusbyggeri")),
    ("Klima og Energi", ("Energi", "Klimadata", "Forsyningstilsyn", "Geodata", "Meteorologi",
                         "Energieffektivisering")),
    ("Transport", ("Vejforvaltning", "Jernbane", "Søfart", "Luftfart", "Trafikdata",
                   "Færdselssikkerhed")),
    ("Erhverv", ("Erhvervsfremme", "Konkurrence", "Forbrugere", "Sikkerhedsteknik",
                 "Virksomhedsregistrering", "Finanstilsyn")),
    ("Finans", ("Statens Ejendomme", "Statens Regnskab", "Statens IT", "Økonomisk Analyse",
                "Offentlige Indkøb", "Statens Løn")),
    ("Social og Bolig", ("Socialtilsyn", "Boligstøtte", "Handicap", "Udsatte Børn",
                         "Boligbyggeri", "Frivillighed")),
    ("Børn og Undervisning", ("Undervisning", "Kvalitet i Skolen", "Prøver og Eksamen",
                              "Dagtilbud", "Ungdomsuddannelser")),
    ("Uddannelse og Forskning", ("Forskning", "Videregående Uddannelser", "SU",
                                 "Internationalisering", "Uddannelsesdata")),
    ("Kultur", ("Kulturarv", "Slotte", "Medier", "Idræt", "Biblioteker")),
    ("Fødevarer og Landbrug", ("Fødevarer", "Landbrug", "Fiskeri", "Veterinærforhold",
                               "Planteproduktion", "Landdistrikter")),
    ("Miljø", ("Miljøbeskyttelse", "Naturforvaltning", "Kystdrift", "Grundvand",
               "Affald og Genanvendelse")),
    ("Udlændinge og Integration", ("Udlændingesager", "Integration", "Indfødsret",
                                   "Opholdstilladelser", "Repatriering")),
    ("Digitalisering", ("Digital Infrastruktur", "Borgerportaler", "Dataetik",
                        "Digitale Løsninger")),
    ("Indenrigs", ("Kommunale Forhold", "Valg", "Personregistrering", "Øerne")),
)  # fmt: skip
_INSTITUTION_TYPES: tuple[str, ...] = (
    "Styrelsen", "Agenturet", "Nævnet", "Direktoratet", "Tilsynet", "Centret", "Instituttet",
)  # fmt: skip

# The small example, by hand: every metric in both groups; three units with at least
# 10 årsværk, four below (sick-leave privacy); units of 4-7 people often get fewer than
# 5 answers in a wave (survey privacy), those of 11-13 never do.
_SMALL: tuple[tuple[str, int, str, str], ...] = (
    ("Sagsbehandling Nord", 13, "trial", "case"),
    ("Sagsbehandling Syd", 13, "comparison", "case"),
    ("Kontor for Borgerservice", 11, "trial", "service"),
    ("Kontaktcenter", 7, "comparison", "service"),
    ("Jura", 7, "trial", ""),
    ("HR og Løn", 5, "comparison", ""),
    ("Økonomi", 4, "", ""),
)


class _Org:
    """Units as parallel lists while the tree is built."""

    def __init__(self) -> None:
        self.name: list[str] = []
        self.parent: list[int] = []
        self.headcount: list[int] = []
        self.leaf: list[bool] = []
        self.kind: list[str] = []
        self.group: list[str] = []

    def add(self, name: str, parent: int, headcount: int, leaf: bool, kind: str = "") -> int:
        self.name.append(name)
        self.parent.append(parent)
        self.headcount.append(int(headcount))
        self.leaf.append(leaf)
        self.kind.append(kind)
        self.group.append("")
        return len(self.name) - 1


class _Namer:
    """Unique names within one institution: ``Jura``, ``Jura Nord``, ``Jura Syd`` ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, base: str) -> str:
        candidates = [base] + [f"{base} {s}" for s in _SUFFIXES]
        for name in candidates:
            if name not in self.used:
                self.used.add(name)
                return name
        n = 2
        while f"{base} {n}" in self.used:
            n += 1
        self.used.add(f"{base} {n}")
        return f"{base} {n}"


def _leaf_sizes(rng: np.random.Generator, total: int, mean: float = 20.0) -> np.ndarray:
    """Headcounts of leaf units adding up to about ``total``."""
    n = max(1, round(total / (mean * 1.13)))
    raw = np.exp(rng.normal(np.log(mean), 0.5, n))
    return np.maximum(4, np.round(raw * total / raw.sum())).astype(np.int64)


def _split(rng: np.random.Generator, n: int, k: int) -> list[np.ndarray]:
    """``range(n)`` cut into ``k`` non-empty consecutive runs at random places."""
    k = max(1, min(k, n))
    cuts = np.sort(rng.choice(np.arange(1, n), size=k - 1, replace=False)) if k > 1 else []
    return np.split(np.arange(n), cuts)


def _institution(
    org: _Org, rng: np.random.Generator, name: str, parent: int, total: int, depth: int,
    prefix: str = "",
) -> None:  # fmt: skip
    """One institution: a root with centres (depth 2) and offices with teams (depth 3)."""
    staff = 1 if total < 80 else int(rng.integers(2, 6))
    overhead = {1: 0.0, 2: 1 / 6 / 20, 3: (1 / 4 + 1 / 20) / 20}[depth]
    sizes = _leaf_sizes(rng, max(4, round((total - staff) * (1 - overhead))))
    if len(sizes) < 3:
        depth = 1
    root = org.add(name, parent, staff, False)
    namer = _Namer()
    funcs = rng.choice(len(_FUNCTIONS), size=len(sizes), p=_FUNC_P)

    def leaf(i: int, parent_idx: int, label: str | None = None) -> None:
        func, kind, _ = _FUNCTIONS[funcs[i]]
        org.add(prefix + (label or namer(func)), parent_idx, sizes[i], True, kind)

    if depth == 1:
        for i in range(len(sizes)):
            leaf(i, root)
        return
    centre_names = rng.permutation(len(_CENTRES))
    if depth == 2:
        for c, run in enumerate(_split(rng, len(sizes), round(len(sizes) / 6))):
            cname = namer(_CENTRES[centre_names[c % len(_CENTRES)]])
            centre = org.add(prefix + cname, root, 1, False)
            for i in run:
                leaf(int(i), centre)
        return
    offices = _split(rng, len(sizes), round(len(sizes) / 4))
    for c, orun in enumerate(_split(rng, len(offices), round(len(offices) / 5))):
        cname = namer(_CENTRES[centre_names[c % len(_CENTRES)]])
        centre = org.add(prefix + cname, root, int(rng.integers(1, 3)), False)
        for o in orun:
            teams = offices[int(o)]
            oname = namer(_FUNCTIONS[funcs[teams[0]]][0])
            office = org.add(prefix + oname, centre, 1, False)
            for t, i in enumerate(teams, start=1):
                funcs[i] = funcs[teams[0]]
                leaf(int(i), office, f"{oname}, team {t}")


def _state(org: _Org, rng: np.random.Generator, total: int) -> None:
    """The whole state: ministries, their institutions, centres, offices and teams."""
    n_inst = 190
    raw = np.exp(rng.normal(0.0, 1.3, n_inst))
    sizes = np.maximum(15, np.round(raw * total * 0.995 / raw.sum())).astype(np.int64)
    area_of = np.concatenate([np.arange(len(_AREAS)), rng.integers(0, len(_AREAS), n_inst)])
    area_of = area_of[:n_inst]
    used: set[str] = set()
    for a, (area, domains) in enumerate(_AREAS):
        ministry = org.add(f"Ministeriet for {area}", -1, 3, False)
        for i in np.flatnonzero(area_of == a):
            while True:
                kind = _INSTITUTION_TYPES[int(rng.integers(len(_INSTITUTION_TYPES)))]
                dom = domains[int(rng.integers(len(domains)))]
                name = f"{kind} for {dom}"
                if name not in used:
                    break
            used.add(name)
            size = int(sizes[i])
            depth = 1 if size < 80 else 2 if size < 2000 else 3
            _institution(org, rng, name, ministry, size, depth, prefix=f"{name} / ")


def _build_org(size: str, rng: np.random.Generator) -> _Org:
    org = _Org()
    if size == "small":
        root = org.add("Styrelsen for Ankesager", -1, 1, False)
        for name, hc, group, kind in _SMALL:
            i = org.add(name, root, hc, True, kind)
            org.group[i] = group
        return org
    if size == "medium":
        _institution(org, rng, "Styrelsen for Ydelser og Klager", -1, SIZES[size], 2)
    elif size == "large":
        _institution(org, rng, "Styrelsen for Borgerservice og Tilsyn", -1, SIZES[size], 3)
    else:
        _state(org, rng, SIZES[size])
    leaves = np.flatnonzero(org.leaf)
    groups = rng.choice(3, size=len(leaves), p=[0.47, 0.47, 0.06])
    groups[0], groups[-1] = 0, 1  # both groups always present
    for i, g in zip(leaves, groups, strict=True):
        org.group[i] = GROUPS[g]
    return org


# --- periods -----------------------------------------------------------------------


def months(size: str) -> list[str]:
    """The months (``YYYY-MM``) with data for ``size``: baseline and trial, plus ``PRE``
    for ``state`` (a year of monthly survey waves)."""
    start = PRE[0] if size == "state" else BASELINE[0]
    return [str(p) for p in pd.period_range(start, TRIAL[1], freq="M")]


def _in(month: str, period: tuple[str, str]) -> bool:
    return period[0] <= month <= period[1]


# Seasonal shape by calendar month (Jan..Dec): winter low, summer high, mean 0.
_SEASON = np.array([-0.10, -0.08, -0.03, 0.02, 0.06, 0.10, 0.12, 0.08, 0.02, -0.03, -0.07,
                    -0.09])  # fmt: skip
_SEASON = _SEASON - _SEASON.mean()
# Sick leave by calendar month, mean 1: high in winter, low in summer.
_SICK_SEASON = np.array([1.30, 1.25, 1.10, 0.95, 0.85, 0.75, 0.55, 0.75, 0.95, 1.05, 1.20, 1.30])
_SICK_SEASON = _SICK_SEASON / _SICK_SEASON.mean()
# Production by calendar month: holidays in July and December.
_PROD_SEASON = np.array([1.0, 1.02, 1.03, 0.97, 0.95, 0.98, 0.62, 0.9, 1.04, 1.03, 1.0, 0.82])

_BASE = np.array([3.1, 3.0, 3.6, 3.7, 3.0, 3.5, 3.6])  # per question, as QUESTIONS
_SEASON_AMP = np.array([0.5, 0.3, 0.2, 1.0, 1.0, 0.4, 0.2])
_DRIFT = np.array([0.0, 0.02, 0.0, 0.0, -0.01, 0.0, 0.01])  # per month from 2026-01
_TRIAL_BASE = np.array([-0.10, -0.10, 0.0, 0.0, -0.05, 0.0, 0.0])  # selection into trial
_MANAGER_BASE = np.array([0.1, 0.2, 0.0, 0.1, -0.3, 0.1, 0.1])


# --- survey ------------------------------------------------------------------------


def _survey(org: _Org, size: str, rng: np.random.Generator) -> pd.DataFrame:
    hc = np.array(org.headcount)
    n_units = len(hc)
    unit = np.repeat(np.arange(n_units), hc)
    n = len(unit)
    leaf = np.array(org.leaf)
    is_trial = np.array([g == "trial" for g in org.group])

    # People: role, age, seniority, commute; fixed over the waves.
    start = np.repeat(np.cumsum(hc) - hc, hc)
    rank = np.arange(n) - start
    n_mgr = np.where(leaf, np.maximum(1, np.round(hc * 0.08)), hc)
    manager = rank < n_mgr[unit]
    age = np.where(
        manager,
        rng.choice(4, size=n, p=[0.02, 0.33, 0.50, 0.15]),
        rng.choice(4, size=n, p=[0.16, 0.36, 0.33, 0.15]),
    )
    seniority_scale = np.array([2.0, 6.0, 11.0, 15.0])[age]
    seniority_max = np.array([10, 25, 40, 45])[age]
    seniority = np.minimum(np.floor(rng.exponential(seniority_scale)), seniority_max).astype(int)
    commute = np.clip(np.round(np.exp(rng.normal(np.log(22), 0.7, n)) / 5) * 5, 5, 150)
    commute = commute.astype(int)

    # The wish for home days: longer commute, 30-44 (small children) and settled
    # employees want more; under 30 (learning), 60+ and managers want fewer.
    unit_wish = rng.normal(0.0, 0.3, n_units)
    wish = (
        2.0
        + 0.018 * (commute - 25)
        + np.array([-0.5, 0.35, 0.0, -0.3])[age]
        + 0.3 * (seniority >= 3)
        - 0.5 * manager
        + 0.3 * is_trial[unit]
        + unit_wish[unit]
        + rng.normal(0.0, 0.9, n)
    )

    # Who answers which wave.
    mlist = months(size)
    n_waves = len(mlist)
    unit_rate = 0.75 + rng.normal(0.0, 0.07, n_units)
    rate = unit_rate[:, None] + rng.normal(0.0, 0.06, (n_units, n_waves))
    person_prop = rng.normal(0.0, 0.1, n)
    p = np.clip(rate[unit, :] + person_prop[:, None], 0.05, 0.97)
    answered = rng.random((n, n_waves)) < p
    wave, person = np.nonzero(answered.T)  # wave-major, then unit order
    del answered, p
    u = unit[person]
    r = len(person)

    cal = np.array([int(m[5:]) - 1 for m in mlist])
    t_from_jan = np.array([(int(m[:4]) - 2026) * 12 + int(m[5:]) - 1 for m in mlist])
    post = np.array([_in(m, TRIAL) for m in mlist])

    q = len(QUESTIONS)
    effects = np.array([TRUE_EFFECTS[k] for k in QUESTIONS])
    mgr_effects = np.array([MANAGER_EFFECTS.get(k, 0.0) for k in QUESTIONS])
    trend = _SEASON[cal][:, None] * _SEASON_AMP + t_from_jan[:, None] * _DRIFT  # waves x q
    unit_eff = rng.normal(0.0, 0.25, (n_units, q)) + is_trial[:, None] * _TRIAL_BASE
    unit_gain = 1.0 + rng.normal(0.0, 0.3, (n_units, 1))  # trial effect varies by unit
    unit_wave = rng.normal(0.0, 0.08, (n_units, n_waves))
    person_eff = rng.normal(0.0, 0.45, (n, q)).astype(np.float32)

    treated = (is_trial[u] & post[wave])[:, None]
    mgr = manager[person][:, None]
    latent = (
        (_BASE + trend[wave]).astype(np.float32)
        + unit_eff[u].astype(np.float32)
        + unit_wave[u, wave][:, None].astype(np.float32)
        + person_eff[person]
        + (mgr * _MANAGER_BASE).astype(np.float32)
        + (treated * unit_gain[u] * (effects + mgr * mgr_effects)).astype(np.float32)
        + rng.normal(0.0, 0.55, (r, q)).astype(np.float32)
    )
    # wellbeing: a long commute wears
    latent[:, 3] -= (0.004 * (commute[person] - 25)).astype(np.float32)
    np.clip(latent, 1.0, 5.0, out=latent)
    low = np.floor(latent)
    answers = (low + (rng.random((r, q), dtype=np.float32) < latent - low)).astype(np.int8)
    del latent, low
    skipped = rng.random((r, q)) < 0.01  # item non-response

    wanted = np.clip(np.round(wish[person] + rng.normal(0.0, 0.35, r)), 0, 5).astype(np.int8)
    ad_hoc = rng.choice(3, size=r, p=[0.6, 0.3, 0.1])
    in_trial = rng.choice(4, size=r, p=[0.02, 0.08, 0.60, 0.30])
    actual = np.minimum(np.where(treated[:, 0], in_trial, ad_hoc), wanted).astype(np.int8)

    dates = pd.to_datetime([f"{m}-{SURVEY_DAY:02d}" for m in mlist])
    frame: dict[str, object] = {
        "date": dates[wave],
        "unit": pd.Categorical.from_codes(u, categories=pd.Index(org.name)),
        "role": pd.Categorical.from_codes(mgr[:, 0].astype(np.int8), categories=list(ROLES)),
    }
    for j, k in enumerate(QUESTIONS):
        frame[k] = pd.arrays.IntegerArray(answers[:, j], skipped[:, j])
    frame["home_days_wanted"] = wanted
    frame["home_days_actual"] = actual
    frame["seniority_years"] = seniority[person].astype(np.int16)
    frame["commute_minutes"] = commute[person].astype(np.int16)
    frame["age_group"] = pd.Categorical.from_codes(age[person], categories=list(AGE_GROUPS))
    return pd.DataFrame(frame)


# --- sick leave and production ----------------------------------------------------


def _unit_months(org: _Org, size: str) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    leaves = np.flatnonzero(org.leaf)
    mlist = months(size)
    li = np.repeat(leaves, len(mlist))
    mi = np.tile(np.arange(len(mlist)), len(leaves))
    return li, mlist, mi, np.array([_in(m, TRIAL) for m in mlist])


def _sickleave(org: _Org, size: str, rng: np.random.Generator) -> pd.DataFrame:
    li, mlist, mi, post = _unit_months(org, size)
    hc = np.array(org.headcount)[li]
    is_trial = np.array([g == "trial" for g in org.group])[li]
    n_units = len(org.name)
    fte = np.maximum(0.5, np.round(hc * 0.95 * (1 + rng.normal(0.0, 0.03, len(li))), 1))
    cal = np.array([int(m[5:]) - 1 for m in mlist])[mi]
    unit_f = np.exp(rng.normal(-0.045, 0.3, n_units))[li]
    effect = np.where(is_trial & post[mi], 1 + RELATIVE_EFFECTS["sick_days"], 1.0)
    mean = fte * SICK_DAYS_PER_FTE_YEAR / 12 * _SICK_SEASON[cal] * unit_f * effect
    sick = rng.poisson(mean * rng.gamma(4.0, 0.25, len(li)))
    return pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(li, categories=pd.Index(org.name)),
            "month": pd.Categorical.from_codes(mi, categories=mlist),
            "fte": fte,
            "sick_days": sick.astype(np.int64),
        }
    )


def _production(org: _Org, size: str, rng: np.random.Generator) -> pd.DataFrame:
    li, mlist, mi, post = _unit_months(org, size)
    n_units = len(org.name)
    kind = np.array(org.kind)[li]
    is_trial = np.array([g == "trial" for g in org.group])[li]
    treated = is_trial & post[mi]
    cal = np.array([int(m[5:]) - 1 for m in mlist])[mi]
    fte = np.array(org.headcount)[li] * 0.95
    rate = np.exp(rng.normal(np.log(9.0), 0.35, n_units))[li]
    cases = np.round(
        fte * rate * _PROD_SEASON[cal]
        * np.where(treated, 1 + RELATIVE_EFFECTS["cases_closed"], 1.0)
        * np.exp(rng.normal(0.0, 0.06, len(li)))
    )  # fmt: skip
    days = np.round(
        np.exp(rng.normal(np.log(24.0), 0.3, n_units))[li]
        * (1 + 0.25 * (cal == 6) + 0.1 * (cal == 7))
        * np.where(treated, 1 + RELATIVE_EFFECTS["processing_days"], 1.0)
        * np.exp(rng.normal(0.0, 0.05, len(li))),
        1,
    )  # fmt: skip
    satisfaction = np.round(
        np.clip(
            (4.0 + rng.normal(0.0, 0.2, n_units))[li]
            * np.where(treated, 1 + RELATIVE_EFFECTS["customer_satisfaction"], 1.0)
            + rng.normal(0.0, 0.08, len(li)),
            1.0,
            5.0,
        ),
        2,
    )
    values = np.stack([cases, days, satisfaction], axis=1)
    has = np.stack([kind != "", kind == "case", kind == "service"], axis=1)
    rows, metric = np.nonzero(has)
    return pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(li[rows], categories=pd.Index(org.name)),
            "period": pd.Categorical.from_codes(mi[rows], categories=mlist),
            "metric": pd.Categorical.from_codes(metric, categories=list(METRICS)),
            "value": values[rows, metric],
        }
    )


# --- dialogue ---------------------------------------------------------------------

# Per theme: (positive, negative, expectations at kick-off, comparison units, follow-ups)
_NOTES: dict[str, tuple[tuple[str, ...], ...]] = {
    "koncentration": (
        (
            "Flere fortæller, at hjemmedagene giver ro til at skrive afgørelser og notater færdig.",
            "Medarbejderne oplever færre afbrydelser og kan fordybe sig i de tunge sager.",
            "Det er blevet lettere at lægge opgaver, der kræver ro, på hjemmedagene.",
            "Flere nævner, at de når mere på hjemmedagene, fordi de slipper for støjen i "
            "storrummet.",
            "Der er mere ro i storrummet, når en del af kollegerne arbejder hjemme.",
        ),
        (
            "Storrummet er stadig uroligt på kontordagene, hvor alle er samlet.",
            "Kontordagene bliver fyldt med møder, så der er mindre tid til fordybelse.",
            "Et par medarbejdere har svært ved at koncentrere sig hjemme på grund af "
            "pladsforholdene.",
            "Mange beskeder på Teams afbryder lige så meget som kolleger ved skrivebordet.",
        ),
        (
            "Mange håber, at hjemmedage kan give bedre ro til fordybelse.",
            "Der er ønske om, at stillezonerne bliver brugt mere konsekvent.",
            "Flere peger på støjen i storrummet som den største barriere for koncentration.",
        ),
        (
            "Stillezonerne bliver brugt, men de er ofte fyldt om formiddagen.",
            "Der er fortsat ønske om flere små rum til fordybelsesarbejde.",
            "Koncentrationen er som før; støjen i storrummet fylder stadig.",
        ),
        (
            "Forslag: faste stilletimer om formiddagen.",
            "Vi prøver at samle møderne på færre dage.",
        ),
    ),
    "videndeling": (
        (
            "De faste sparringsmøder tirsdag morgen fungerer godt og bliver prioriteret.",
            "Den fælles kanal til hurtige faglige spørgsmål bliver brugt flittigt.",
            "Kontordagene bliver brugt bevidst til faglig sparring og sidemandsoplæring.",
            "Det virker godt at gennemgå sager på skærm, også med dem der er hjemme.",
        ),
        (
            "Nye kolleger har sværere ved at få hjælp, når færre er på kontoret.",
            "Den uformelle sparring ved skrivebordet er blevet mindre.",
            "Det tager længere tid at få svar fra kolleger på hjemmedagene.",
            "Viden bliver i højere grad siddende hos den enkelte.",
            "Oplæringen af nyansatte kræver mere planlægning end før.",
        ),
        (
            "Der er bekymring for, om oplæringen af nye kolleger kan følge med.",
            "Teamet vil holde øje med, om den faglige sparring bliver mindre.",
            "Det er vigtigt for mange, at der fortsat er faste dage, hvor alle er til stede.",
        ),
        (
            "Videndelingen foregår mest ved skrivebordet og på teammøderne.",
            "Der er ønske om flere faglige oplæg på tværs af teams.",
            "Sidemandsoplæringen fungerer, men tager tid fra de erfarne.",
        ),
        (
            "Vi indfører en makkerordning for nye kolleger.",
            "Forslag: en ugentlig faglig halvtime, hvor alle deltager.",
        ),
    ),
    "møder": (
        (
            "Korte statusmøder fungerer fint virtuelt og tager mindre tid end før.",
            "Aftalen om, at teammøder om mandagen altid er fysiske, fungerer godt.",
            "Der er kommet mere disciplin om dagsordener og mødelængde.",
        ),
        (
            "Hybride møder fungerer dårligt, når de fleste sidder i mødelokalet og få "
            "deltager på skærm.",
            "Lyden i mødelokalerne er for dårlig til hybride møder.",
            "Det er uklart, hvilke møder der skal være fysiske, og hvilke der kan holdes virtuelt.",
            "Kontordagene bliver presset, fordi alle møder lægges der.",
        ),
        (
            "Der skal laves klare aftaler om, hvilke møder der er fysiske.",
            "Flere spørger, hvordan hybride møder skal afvikles, så alle kan deltage.",
        ),
        (
            "Møderne afvikles som hidtil, mest fysisk.",
            "Der er ønske om kortere møder og skarpere dagsordener.",
        ),
        (
            "Vi skriver en kort guide til hybride møder.",
            "Mødelokalerne skal have bedre lydudstyr.",
        ),
    ),
    "trivsel": (
        (
            "Flere nævner mindre transporttid som en stor gevinst i hverdagen.",
            "Det er blevet lettere at få arbejde og familieliv til at hænge sammen.",
            "Stemningen på kontordagene er god, og folk prioriterer at ses.",
            "Medarbejderne sætter pris på fleksibiliteten og oplever mere overskud.",
        ),
        (
            "Enkelte føler sig ensomme på hjemmedagene.",
            "Nogle har svært ved at holde fri, når arbejdet er derhjemme.",
            "Fællesskabet i teamet føles svagere end før forsøget.",
            "Det sociale på kontoret er blevet mindre, fordi man sjældent er der samtidig.",
        ),
        (
            "Mange ser frem til forsøget, men enkelte er bekymrede for fællesskabet.",
            "Der er forventning om mindre transporttid og bedre balance mellem arbejde og "
            "privatliv.",
        ),
        (
            "Trivslen er stabil, men travlheden mærkes i perioder.",
            "Fredagsmorgenmaden bliver fortsat godt besøgt.",
            "Der er generelt god stemning, men arbejdspresset fylder.",
        ),
        (
            "Vi planlægger flere fælles aktiviteter på kontordagene.",
            "Lederen tager en snak med de berørte.",
        ),
    ),
    "udstyr": (
        (
            "Headsets og ekstra skærme er blevet udleveret, og det har hjulpet.",
            "De bærbare computere fungerer godt både hjemme og på kontoret.",
            "Booking af skriveborde fungerer efter en kort indkøringsperiode.",
        ),
        (
            "Der mangler skærme og hæve-sænkeborde hjemme hos nogle.",
            "VPN-forbindelsen har været ustabil om morgenen.",
            "Nogle er i tvivl om reglerne for skærmarbejde derhjemme.",
            "Det er svært at finde en fri plads de dage, hvor mange er inde.",
        ),
        (
            "Vi skal have overblik over, hvem der mangler udstyr til hjemmearbejdspladsen.",
            "APV'en skal opdateres, så den også dækker hjemmearbejde.",
        ),
        (
            "Der er ønske om flere skærme i mødelokalerne.",
            "IT-udstyret fungerer overordnet tilfredsstillende.",
        ),
        (
            "IT kontaktes om forbindelsen.",
            "Der laves en oversigt over manglende udstyr.",
        ),
    ),
    "ledelse": (
        (
            "Lederen holder korte opfølgninger på Teams, og det fungerer godt.",
            "Der er tillid til, at opgaverne bliver løst, uanset hvor man sidder.",
            "Klare aftaler om kontakttid har gjort det lettere at planlægge.",
        ),
        (
            "Lederen oplever det som sværere at opdage, hvis nogen er ved at køre fast.",
            "Lederen efterspørger sparring om at lede på afstand.",
            "Det er sværere at fordele opgaverne retfærdigt, når teamet sjældent er samlet.",
            "Lederen bruger mere tid på koordinering og opfølgning end før.",
        ),
        (
            "Lederen vil følge tæt, hvordan opgaveløsningen påvirkes.",
            "Vi skal aftale, hvordan lederen holder kontakt med medarbejderne på hjemmedage.",
        ),
        (
            "Ledelsen er synlig og tilgængelig i hverdagen.",
            "Der er ønske om mere feedback på de enkelte sager.",
        ),
        (
            "Lederen deltager i forløbet om hybrid ledelse.",
            "Vi aftaler faste tidspunkter for kontakt.",
        ),
    ),
}
_FOLLOW_UPS: tuple[str, ...] = (
    "Vi følger op på næste dialogmøde.",
    "Lederen tager det med i ledergruppen.",
    "Teamet kommer med et forslag til næste møde.",
    "Punktet drøftes også i samarbejdsudvalget.",
    "Vi tager det op igen ved midtvejsevalueringen.",
)
# Chance that a trial unit's note during the trial is positive, per theme.
_P_POSITIVE = {"koncentration": 0.8, "videndeling": 0.3, "møder": 0.5, "trivsel": 0.6,
               "udstyr": 0.5, "ledelse": 0.45}  # fmt: skip
_THEME_P = np.array([0.2, 0.2, 0.15, 0.2, 0.1, 0.15])
_MEETINGS = {"trial": ("2026-03", "2026-06", "2026-09"), "comparison": ("2026-06",)}


def _meeting_day(rng: np.random.Generator, month: str) -> pd.Timestamp:
    day = pd.Timestamp(f"{month}-{int(rng.integers(3, 24)):02d}")
    return day + pd.Timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _dialogue(org: _Org, size: str, rng: np.random.Generator) -> pd.DataFrame:
    dates: list[pd.Timestamp] = []
    units: list[str] = []
    themes: list[str] = []
    notes: list[str] = []
    for i in np.flatnonzero(org.leaf):
        group = org.group[i]
        for month in _MEETINGS.get(group, ()):
            day = _meeting_day(rng, month)
            k = int(rng.integers(1, 4))
            for t in rng.choice(len(THEMES), size=k, replace=False, p=_THEME_P):
                theme = THEMES[t]
                pos, neg, expect, neutral, actions = _NOTES[theme]
                if group == "comparison":
                    pool = neutral
                elif _in(month, BASELINE):
                    pool = expect
                else:
                    pool = pos if rng.random() < _P_POSITIVE[theme] else neg
                note = pool[int(rng.integers(len(pool)))]
                extra = rng.random()
                if pool is neg and extra < 0.5:  # a problem calls for an action
                    note += " " + actions[int(rng.integers(len(actions)))]
                elif extra < 0.25:
                    note += " " + _FOLLOW_UPS[int(rng.integers(len(_FOLLOW_UPS)))]
                dates.append(day)
                units.append(org.name[i])
                themes.append(theme)
                notes.append(note)
    frame = pd.DataFrame(
        {"date": pd.to_datetime(dates), "unit": units, "theme": themes, "note": notes}
    )
    return frame.sort_values(["date", "unit"], kind="stable").reset_index(drop=True)


# --- public API -------------------------------------------------------------------


def _units_frame(org: _Org, rng: np.random.Generator) -> pd.DataFrame:
    hc = np.array(org.headcount)
    leaf = np.array(org.leaf)
    share = rng.uniform(0.7, 1.0, len(hc))  # desk sharing in leaf units
    desks = np.where(leaf, np.maximum(1, np.round(hc * share)), hc).astype(np.int64)
    return pd.DataFrame(
        {
            "unit": org.name,
            "group": org.group,
            "parent": [org.name[p] if p >= 0 else "" for p in org.parent],
            "headcount": hc.astype(np.int64),
            "desks": desks,
        }
    )


def generate(size: str = "small", seed: int = 1) -> dict[str, pd.DataFrame]:
    """The example organisation's data, one DataFrame per kind (see ``KINDS``).

    ``headcount`` and ``desks`` count the people placed directly in a unit; parent units
    hold only their managers, so the column sums are the organisation's totals.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if seed < 0:
        raise ValueError(f"the seed must be 0 or more, not {seed}")
    root = np.random.SeedSequence([seed, list(SIZES).index(size)])
    org_rng, units_rng, survey_rng, sick_rng, prod_rng, dia_rng = (
        np.random.default_rng(s) for s in root.spawn(6)
    )
    org = _build_org(size, org_rng)
    return {
        "units": _units_frame(org, units_rng),
        "survey": _survey(org, size, survey_rng),
        "sickleave": _sickleave(org, size, sick_rng),
        "production": _production(org, size, prod_rng),
        "dialogue": _dialogue(org, size, dia_rng),
    }


def _for_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO strings (as categories, which write fast)."""
    out = frame.copy(deep=False)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            codes, uniques = pd.factorize(out[col], sort=True)
            out[col] = pd.Categorical.from_codes(codes, categories=uniques.strftime("%Y-%m-%d"))
    return out


def write(frames: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write each frame as ``<kind>.csv`` (comma, UTF-8, ISO dates) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, frame in frames.items():
        path = out / f"{kind}.csv"
        tmp = path.with_name(f".{path.name}.tmp")
        _for_csv(frame).to_csv(
            tmp, index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g",
            chunksize=200_000,
        )  # fmt: skip
        tmp.replace(path)
        paths.append(path)
    return paths


def examples_command(
    size: str = "small", seed: int = 1, out: str | Path = ".", exports: bool = False
) -> int:
    """``hjemmekit examples``: generate and write one example; 0 on success, 1 if the
    output folder cannot be used, 2 for an unknown size. ``exports``: also write the
    survey as SurveyXact, Microsoft Forms, SPSS and Google Forms export it, into
    ``exports/`` (``hjemmekit.example_exports``)."""
    if size not in SIZES:
        print(
            f"hjemmekit examples: unknown size {size!r}; choose one of {', '.join(SIZES)}",
            file=sys.stderr,
        )
        return 2
    if seed < 0:
        print(f"hjemmekit examples: the seed must be 0 or more, not {seed}", file=sys.stderr)
        return 2
    target = Path(out)
    if target.exists() and not target.is_dir():
        print(f"hjemmekit examples: {target}: exists and is not a folder", file=sys.stderr)
        return 1
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        print(f"hjemmekit examples: {target}: cannot create folder ({e.strerror})",
              file=sys.stderr)  # fmt: skip
        return 1
    frames = generate(size, seed)
    try:
        paths = write(frames, target)
    except OSError as e:
        print(f"hjemmekit examples: {target}: cannot write ({e.strerror})", file=sys.stderr)
        return 1
    employees = int(frames["units"]["headcount"].sum())
    print(f"Wrote the {size} example ({employees:,} employees, seed {seed}) to {target}:")
    for path, frame in zip(paths, frames.values(), strict=True):
        print(f"  {path.name}: {len(frame):,} rows")
    if exports:
        from hjemmekit.example_exports import write_exports

        try:
            written = write_exports(frames["survey"], list(frames["units"]["unit"]),
                                    target / "exports", seed=seed)  # fmt: skip
        except OSError as e:
            print(f"hjemmekit examples: {target / 'exports'}: cannot write ({e.strerror})",
                  file=sys.stderr)  # fmt: skip
            return 1
        print(f"  exports/: the survey as survey tools export it ({len(written)} files)")
    return 0
