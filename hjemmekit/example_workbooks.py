"""Example workbooks for the medium example organisation, at three stages.

``mellemstor-startet`` (step 1 done), ``mellemstor-besluttet`` (steps 1-4 and the trial
design) and ``mellemstor-evalueret`` (a finished trial with conclusions in the decision
log). Built in code so they stay valid as the model changes; the committed JSON files in
``data/examples/workbooks/`` are checked against this module by a test.
Regenerate with ``python -m hjemmekit.example_workbooks``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from hjemmekit.model import (
    Case,
    CaseAnswer,
    CaseArrangement,
    Decision,
    Discussion,
    Goal,
    MeetingRule,
    Metric,
    RequirementStatus,
    Workbook,
)
from hjemmekit.session import examples_dir

ORGANISATION = "Styrelsen for Ydelser og Klager"
CREATED = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)


def _units(group: str) -> list[str]:
    path = examples_dir() / "medium" / "units.csv"
    with path.open(encoding="utf-8") as f:
        return [row["unit"] for row in csv.DictReader(f) if row["group"] == group]


def _answers(*pairs: tuple[str, str, str]) -> dict[str, CaseAnswer]:
    return {q: CaseAnswer(answer=a, note=n) for q, a, n in pairs}  # type: ignore[arg-type]


def started() -> Workbook:
    """Step 1 filled in: the context and the statement to the workplace."""
    wb = Workbook(
        id="eksempel-mellemstor-startet",
        title="Hjemmearbejde i Styrelsen for Ydelser og Klager",
        organisation=ORGANISATION,
        revision=1,
        created=CREATED,
        updated=datetime(2025, 11, 10, 14, 30, tzinfo=UTC),
    )
    c = wb.context
    c.factors["settled_culture"].selected = True
    c.factors["settled_culture"].note = (
        "Stærk faglighed i sagsbehandlingen og korte veje mellem kontorerne. Vi vil bevare "
        "den uformelle sparring, som mange nævner som styrelsens styrke."
    )
    c.factors["new_employees"].selected = True
    c.factors["new_employees"].note = (
        "Omkring 120 nye medarbejdere de seneste to år, især i Kontaktcenter og "
        "Sagsbehandling. Oplæring sker i dag mest ved sidemandsoplæring på kontoret."
    )
    c.factors["other"].selected = True
    c.factors["other"].note = (
        "Huslejen stiger i 2027, og der er ikke plads til alle på samme dag i Aarhus."
    )
    c.other_label = "Lokaler"
    c.notes = (
        "Direktionen drøftede konteksten 3. november 2025. Enighed om at tage udgangspunkt "
        "i opgaveløsningen og at lære af et afgrænset forsøg frem for at beslutte en fast "
        "ordning for alle på én gang."
    )
    c.statement = (
        "Vi har en stærk faglighed og et godt samarbejde på tværs, og vi har mange nye "
        "kolleger, der skal læres op. Hjemmearbejde kan være et redskab, hvor det gør "
        "opgaveløsningen bedre – men ikke et mål i sig selv. Derfor afprøver vi i 2026 "
        "hjemmearbejde i en forsøgsperiode i udvalgte kontorer og følger op på data og "
        "erfaringer, før vi beslutter noget varigt."
    )
    wb.decisions.append(
        Decision(
            date=date(2025, 11, 3),
            decision="Konteksten og udmeldingen til medarbejderne er godkendt.",
            by="Direktionen",
            why="Fælles udgangspunkt før drøftelsen af mål og redskaber.",
        )
    )
    return wb


def decided() -> Workbook:
    """Steps 1-4 filled in and the trial designed; the decision taken."""
    wb = started()
    wb.id = "eksempel-mellemstor-besluttet"
    wb.revision = 2
    wb.updated = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)
    wb.goals.own_tools = ["Fast fremmødedag for hele kontoret"]
    wb.goals.goals = [
        Goal(
            id="maal-koncentration", purpose_key="concentration",
            tools=["quiet_zones", "home_working"], indicator_kind="survey",
            indicator="concentration", target="Mindst +0,3 point på pulsmålingens 1-5-skala",
            target_value=0.3, direction="increase",
        ),
        Goal(
            id="maal-fleksibilitet", purpose_key="flexibility",
            tools=["outer_hours", "home_working"], indicator_kind="survey",
            indicator="flexibility", target="Mindst +0,3 point", target_value=0.3,
            direction="increase",
        ),
        Goal(
            id="maal-videndeling", purpose_key="knowledge_sharing",
            tools=["physical_presence", "knowledge_meetings", "Fast fremmødedag for hele kontoret"],
            indicator_kind="survey", indicator="knowledge_sharing",
            target="Må højst falde 0,1 point", target_value=-0.1, direction="keep",
        ),
        Goal(
            id="maal-sygefravaer", purpose="Lavere sygefravær", tools=["home_working"],
            indicator_kind="sickleave", indicator="sick_days",
            target="Ingen stigning i sygedage pr. årsværk", target_value=0.0,
            direction="decrease",
        ),
    ]
    s = wb.suitability
    s.discussion["productivity"] = Discussion(
        advantages="Færre afbrydelser ved skriftligt arbejde; ingen transporttid.",
        drawbacks="Sværere at fordele akutte sager, når teamet er spredt.",
    )
    s.discussion["quality"] = Discussion(
        advantages="Mere ro til komplekse afgørelser.",
        drawbacks="Risiko for mindre faglig sparring og mere ensartet praksis.",
    )
    s.discussion["competences"] = Discussion(
        advantages="Medarbejderne er blevet dygtige til digitale værktøjer.",
        drawbacks="Nye kolleger lærer mest af at sidde sammen med erfarne.",
    )
    s.discussion["wellbeing"] = Discussion(
        advantages="Bedre balance mellem arbejde og privatliv for mange.",
        drawbacks="Nogle savner fællesskabet; risiko for ensomhed.",
    )
    s.discussion["recruitment_retention"] = Discussion(
        advantages="Mulighed for hjemmearbejde efterspørges i jobopslag.",
        drawbacks="Ingen væsentlige ulemper set.",
    )
    s.cases = [
        Case(
            id="tilfaelde-sagsbehandling", name="Sagsbehandling (alle kontorer)", kind="role",
            description="Skriftlig sagsbehandling af ansøgninger og klager.",
            answers=_answers(
                ("task", "ja", "Sagerne er digitale og kan løses hjemmefra."),
                ("employee_ready", "ja", "Udstyr og adgang er på plads."),
                ("manager_ready", "delvist", "Ledere efterspørger redskaber til hybrid ledelse."),
                ("top_management", "ja", ""),
                ("colleagues", "delvist", "Sparring skal planlægges på fremmødedage."),
                ("culture", "delvist", "Vi vil holde øje med sammenhængskraften."),
                ("training", "delvist", "Nye medarbejdere møder ind de første tre måneder."),
                ("equipment", "ja", "Bærbar og skærm udleveret; hæve-sænkebord tilbydes."),
            ),
            verdict="suitable",
            verdict_note="Egnet, med faste fremmødedage for sparring og oplæring.",
        ),
        Case(
            id="tilfaelde-kontaktcenter", name="Kontaktcenter Nord", kind="unit",
            description="Telefon og chat med borgere i åbningstiden.",
            answers=_answers(
                ("task", "delvist", "Telefonen kan tages hjemmefra, men vagtplanen er stram."),
                ("employee_ready", "delvist", "Mange nye medarbejdere."),
                ("manager_ready", "nej", "Svært at coache samtaler på afstand."),
                ("top_management", "ja", ""),
                ("colleagues", "nej", "Man hjælper hinanden med svære opkald i lokalet."),
                ("culture", "delvist", ""),
                ("training", "nej", "Oplæringen sker ved at lytte med."),
                ("equipment", "delvist", "Headset og softphone er ikke på plads til alle."),
            ),
            verdict="not_suitable",
            verdict_note="Ikke nu: oplæring og sparring kræver fremmøde. Vurderes igen i 2027.",
        ),
        Case(
            id="tilfaelde-jura", name="Jura", kind="unit",
            description="Juridisk rådgivning og lovforberedende arbejde.",
            answers=_answers(
                ("task", "ja", "Skrivearbejde og høringssvar egner sig godt."),
                ("employee_ready", "ja", ""),
                ("manager_ready", "ja", ""),
                ("top_management", "delvist", "Hurtige opgaver fra direktionen kræver fremmøde."),
                ("colleagues", "delvist", ""),
                ("culture", "ja", ""),
                ("training", "ved_ikke", "Få nye medarbejdere; ingen erfaring endnu."),
                ("equipment", "ja", ""),
            ),
            verdict="partly",
            verdict_note="Delvist egnet: ad hoc efter aftale med kontorchefen.",
        ),
    ]
    wb.arrangement.arrangements = [
        CaseArrangement(
            case_id="tilfaelde-sagsbehandling", kind="fixed_recurring",
            home_days=["tue", "thu"], office_days=["mon", "wed"],
            meeting_rules=[
                MeetingRule(meeting_type="Afdelingsmøde", mode="physical",
                            note="Mandag kl. 9, alle møder ind."),
                MeetingRule(meeting_type="Teammøde", mode="hybrid",
                            note="Kamera tændt; mødeleder samler op i chatten."),
                MeetingRule(meeting_type="Møder med eksterne", mode="virtual"),
            ],
            requirements={
                "su_informed": RequirementStatus(done=True, date=date(2025, 12, 4),
                                                 note="Drøftet på SU-mødet."),
                "local_agreement": RequirementStatus(
                    done=True, date=date(2025, 12, 18),
                    note="Lokalaftale indgået med tillidsrepræsentanterne."),
                "individual_agreements": RequirementStatus(
                    done=False, note="Skabelon sendt til lederne; 60 % underskrevet."),
                "apv_updated": RequirementStatus(done=True, date=date(2026, 1, 8)),
            },
            reflections={
                "ad_hoc_need": "Nej: vi ønsker forudsigelighed for planlægning af sparring.",
                "fixed_need": "Ja: faste hjemmedage tirsdag og torsdag; fremmøde mandag og "
                "onsdag.",
                "meeting_rules": "Afdelingsmøder er fysiske; teammøder kan være hybride.",
            },
        ),
        CaseArrangement(
            case_id="tilfaelde-jura", kind="ad_hoc", home_days_per_week=1.0,
            office_days=["mon"],
            meeting_rules=[MeetingRule(meeting_type="Kontormøde", mode="physical")],
            requirements={"apv_updated": RequirementStatus(done=True, date=date(2026, 1, 8))},
            reflections={
                "ad_hoc_need": "Ja: behovet varierer med lovprogrammet.",
                "fixed_need": "Nej.",
                "meeting_rules": "Kontormødet mandag er fysisk.",
            },
        ),
    ]
    t = wb.trial
    t.baseline_start, t.baseline_end = date(2026, 1, 1), date(2026, 3, 31)
    t.start, t.end = date(2026, 4, 1), date(2026, 9, 30)
    t.review_dates = [date(2026, 6, 15), date(2026, 10, 15)]
    t.trial_units = _units("trial")
    t.comparison_units = _units("comparison")
    t.data_sources = ["survey", "dialogue", "production", "sickleave"]
    t.example_data = "medium"
    t.metrics = [
        Metric(id="m-koncentration", source="survey", name="concentration",
               goal_id="maal-koncentration", target="+0,3"),
        Metric(id="m-fleksibilitet", source="survey", name="flexibility",
               goal_id="maal-fleksibilitet", target="+0,3"),
        Metric(id="m-videndeling", source="survey", name="knowledge_sharing",
               goal_id="maal-videndeling", target="højst -0,1"),
        Metric(id="m-sygefravaer", source="sickleave", name="sick_days",
               goal_id="maal-sygefravaer", target="ingen stigning"),
        Metric(id="m-sager", source="production", name="cases_closed", target="uændret"),
    ]
    t.reflections = {
        "attention_points": "Direktionen vil især følge oplæringen af nye medarbejdere.",
    }
    wb.decisions.append(
        Decision(
            date=date(2026, 1, 12),
            decision="Forsøg med to faste hjemmedage (tirsdag og torsdag) i sagsbehandlingen "
            "fra 1. april til 30. september 2026; Jura ad hoc; Kontaktcenter Nord ikke omfattet.",
            by="Direktionen efter drøftelse i SU",
            why="Bedre koncentration og fleksibilitet uden at svække videndeling og oplæring.",
        )
    )
    return wb


def evaluated() -> Workbook:
    """The trial evaluated: reflections answered, conclusions and the next decision."""
    wb = decided()
    wb.id = "eksempel-mellemstor-evalueret"
    wb.revision = 3
    wb.updated = datetime(2026, 10, 20, 13, 0, tzinfo=UTC)
    t = wb.trial
    t.reflections = {
        "attention_points": "Oplæringen af nye medarbejdere og sammenhængskraften på tværs.",
        "performance": "Antal afsluttede sager steg lidt i forsøgsenhederne; sagsbehandlings"
        "tiden faldt. Ingen tegn på lavere kvalitet i klagesagerne.",
        "who_wants": "Medarbejdere med lang transporttid ønsker flest hjemmedage; de yngste "
        "ønsker færrest.",
        "manager_experience": "Lederne følte sig mindre godt klædt på end medarbejderne; der "
        "er behov for et kursus i hybrid ledelse.",
        "leaders_vs_employees": "Medarbejderne vurderer fleksibiliteten højere end lederne.",
    }
    t.conclusions = (
        "Forsøget gav bedre mulighed for koncentration og større fleksibilitet i "
        "forsøgsenhederne sammenlignet med sammenligningsenhederne. Videndelingen faldt en "
        "smule – mere end målet tillod – og dialogmøderne peger på, at sparring og oplæring "
        "af nye kolleger skal planlægges bedre på fremmødedagene. Sygefraværet faldt."
    )
    wb.decisions.append(
        Decision(
            date=date(2026, 10, 20),
            decision="Ordningen fortsætter i sagsbehandlingen fra 1. januar 2027 med en ekstra "
            "fast videndelingsmøde om onsdagen; evalueres igen efter et år.",
            by="Direktionen efter drøftelse i SU",
            why="Målene for koncentration, fleksibilitet og sygefravær er nået; videndeling "
            "følges tæt.",
        )
    )
    return wb


BUILDERS: dict[str, Callable[[], Workbook]] = {
    "mellemstor-startet": started,
    "mellemstor-besluttet": decided,
    "mellemstor-evalueret": evaluated,
}


def write_all(folder: Path | None = None) -> list[Path]:
    folder = folder or examples_dir() / "workbooks"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in BUILDERS.items():
        path = folder / f"{name}.json"
        path.write_text(build().to_json() + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write_all():
        print(p)
