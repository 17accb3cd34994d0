"""The demo programme's data: the people, the patients and what each of them shows, the
texts they write. The steps that load it, through the services, are `seed_demo`'s.

Every story a newcomer meets on first login is named here, per patient (`sic`, `plan`):
see `seed_demo` for what each name does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from patients.validators import nir_key
from sic.measures import measures_for
from sic.models import ContributionKind
from teams.models import PracticeMode, Profession, TeamRole
from teams.validators import luhn_ok

DEMO_PASSWORD = "labparcours-demo"  # noqa: S105 — documented in the README, demo only
DEMO_IP = "10.59.0.12"

# Indemnity rates (code of the kind, amount, profession or "" for all), in force since
# INDEMNITY_RATES_FROM: the programme pays each contribution and each SIC attended.
INDEMNITY_RATES = (
    ("gp_summary", "50.00", ""),
    ("medication_review", "40.00", ""),
    ("nursing_assessment", "40.00", ""),
    ("specialist_opinion", "50.00", ""),
    ("sic_attendance", "30.00", ""),
    ("sic_attendance", "40.00", "gp"),
    ("team_constitution", "25.00", ""),
)
INDEMNITY_RATES_FROM = datetime.date(2025, 1, 1)

# Valid test IBANs (check digits and French national keys), for the demo's liberal professionals.
DEMO_IBANS = (
    "FR7630006000011234567890189",
    "FR1420041010050500013M02606",
    "FR7611315000011234567890138",
    "FR7630004000031234567890143",
    "FR7610107001011234567890129",
    "DE89370400440532013000",
)


def rpps(seed: int) -> str:
    """A valid RPPS number (Luhn key) built from a seed."""
    base = f"10{seed:08d}"
    return next(base + str(key) for key in range(10) if luhn_ok(base + str(key)))


def nir(sex: str, birth: datetime.date, dept: str, serial: int) -> str:
    first = f"{'1' if sex == 'M' else '2'}{birth:%y%m}{dept}{serial:06d}"
    return f"{first}{nir_key(first):02d}"


@dataclass(frozen=True)
class Pro:
    key: str  # the e-mail's local part for those with a demo account
    first: str
    last: str
    profession: str
    mode: str
    organisation: str
    city: str
    has_account: bool = False


PROFESSIONALS = [
    Pro(
        "medecin",
        "Jean",
        "Dubois",
        Profession.GP,
        PracticeMode.LIBERAL,
        "Cabinet médical des Weppes",
        "Lille",
        True,
    ),
    Pro(
        "infirmiere",
        "Sophie",
        "Martin",
        Profession.NURSE,
        PracticeMode.LIBERAL,
        "Cabinet infirmier Vauban",
        "Lille",
        True,
    ),
    Pro(
        "pharmacien",
        "Karim",
        "Benali",
        Profession.PHARMACIST,
        PracticeMode.LIBERAL,
        "Pharmacie de la Treille",
        "Lille",
        True,
    ),
    Pro(
        "cardiologue",
        "Anne",
        "Leroy",
        Profession.CARDIOLOGIST,
        PracticeMode.HOSPITAL,
        "CHU de Lille — Institut Cœur Poumon",
        "Lille",
        True,
    ),
    Pro(
        "diabetologue",
        "Marc",
        "Petit",
        Profession.DIABETOLOGIST,
        PracticeMode.HOSPITAL,
        "CHU de Lille — Endocrinologie",
        "Lille",
        True,
    ),
    Pro(
        "h.roussel",
        "Hélène",
        "Roussel",
        Profession.GP,
        PracticeMode.LIBERAL,
        "Maison de santé du Pile",
        "Roubaix",
    ),
    Pro(
        "t.vandamme",
        "Thomas",
        "Vandamme",
        Profession.GP,
        PracticeMode.LIBERAL,
        "Cabinet du Blanc-Seau",
        "Tourcoing",
    ),
    Pro(
        "c.delattre",
        "Camille",
        "Delattre",
        Profession.NURSE,
        PracticeMode.LIBERAL,
        "Soins infirmiers du Pile",
        "Roubaix",
    ),
    Pro(
        "j.lemaire",
        "Julie",
        "Lemaire",
        Profession.NURSE,
        PracticeMode.LIBERAL,
        "Cabinet infirmier du Triolo",
        "Villeneuve-d'Ascq",
    ),
    Pro(
        "n.carpentier",
        "Nicolas",
        "Carpentier",
        Profession.PHARMACIST,
        PracticeMode.LIBERAL,
        "Pharmacie du Grand Boulevard",
        "Tourcoing",
    ),
    Pro(
        "l.deschamps",
        "Laure",
        "Deschamps",
        Profession.NEPHROLOGIST,
        PracticeMode.HOSPITAL,
        "CHU de Lille — Néphrologie",
        "Lille",
    ),
    Pro(
        "p.mercier",
        "Pauline",
        "Mercier",
        Profession.PSYCHOLOGIST,
        PracticeMode.LIBERAL,
        "Cabinet de psychologie",
        "Lille",
    ),
    Pro(
        "a.fontaine",
        "Antoine",
        "Fontaine",
        Profession.DIETITIAN,
        PracticeMode.LIBERAL,
        "Diététique Nord",
        "Marcq-en-Barœul",
    ),
    Pro(
        "e.wattel",
        "Émilie",
        "Wattel",
        Profession.APA_TEACHER,
        PracticeMode.SALARIED,
        "Association Sport Santé Métropole",
        "Lille",
    ),
    Pro(
        "r.gosselin",
        "Romain",
        "Gosselin",
        Profession.CARDIOLOGIST,
        PracticeMode.LIBERAL,
        "Cabinet de cardiologie",
        "Roubaix",
    ),
    # In no team: asked for second opinions from the directory (see OPINIONS).
    Pro(
        "v.lemoine",
        "Vincent",
        "Lemoine",
        Profession.CARDIOLOGIST,
        PracticeMode.HOSPITAL,
        "CHU de Lille — Insuffisance cardiaque",
        "Lille",
        True,
    ),
]


@dataclass(frozen=True)
class Pat:
    first: str
    last: str
    sex: str
    birth: datetime.date
    pathway: str
    city: str
    postal: str
    months_included: int | None  # None: still a candidate
    team: tuple[str, ...]  # keys of PROFESSIONALS
    criteria: tuple[str, ...]
    exited: str = ""
    sic: str = ""  # the SIC story: see SIC_STORIES
    plan: str = ""  # the care-plan story: see PLAN_STORIES
    account: str = ""  # the patient's own login, invited and accepted
    partner: bool = False  # a patient partner (patient partenaire): reads the experience summary


GP, NURSE, PHARM, CARDIO, DIABETO = (
    "medecin",
    "infirmiere",
    "pharmacien",
    "cardiologue",
    "diabetologue",
)

PATIENTS = [
    Pat(
        "Marcel",
        "Lambert",
        "M",
        datetime.date(1948, 3, 14),
        "ic_dt2",
        "Lille",
        "59000",
        7,
        (GP, NURSE, PHARM, CARDIO),
        ("ic_hospitalisation", "ic_nyha", "dt2_hba1c", "medical_complexity"),
        sic="followed",
        plan="revised",
        account="patient@demo.test",
    ),
    Pat(
        "Josiane",
        "Vermeersch",
        "F",
        datetime.date(1951, 7, 2),
        "ic",
        "Lille",
        "59800",
        11,
        (GP, NURSE, PHARM, CARDIO, "l.deschamps"),
        ("ic_hospitalisation", "ic_nyha", "medical_complexity"),
        sic="held_twice",
        plan="phone",
    ),
    Pat(
        "Ahmed",
        "Boukhalfa",
        "M",
        datetime.date(1957, 11, 23),
        "dt2",
        "Lille",
        "59160",
        4,
        (GP, NURSE, PHARM, DIABETO),
        ("dt2_hba1c", "dt2_complication", "psychosocial_complexity"),
        sic="held",
        plan="changes_requested",
        account="ahmed.boukhalfa@exemple.test",
        partner=True,
    ),
    Pat(
        "Monique",
        "Delcroix",
        "F",
        datetime.date(1944, 1, 9),
        "ic",
        "Lille",
        "59000",
        2,
        (GP, PHARM, CARDIO),
        ("ic_hospitalisation", "medical_complexity"),
        sic="due",
    ),
    Pat(
        "Bernard",
        "Hennebert",
        "M",
        datetime.date(1950, 5, 30),
        "ic_dt2",
        "Villeneuve-d'Ascq",
        "59650",
        13,
        (GP, NURSE, PHARM, CARDIO, DIABETO),
        ("ic_nyha", "dt2_insulin", "medical_complexity"),
        sic="held_thrice",
        plan="draft",
    ),
    Pat(
        "Yvette",
        "Lecomte",
        "F",
        datetime.date(1939, 9, 17),
        "ic",
        "Lille",
        "59000",
        8,
        (GP, NURSE, "n.carpentier", CARDIO),
        ("ic_hospitalisation", "ic_ejection_fraction", "psychosocial_complexity"),
        sic="cancelled",
    ),
    Pat(
        "Fatima",
        "Haddou",
        "F",
        datetime.date(1962, 4, 5),
        "dt2",
        "Roubaix",
        "59100",
        5,
        ("h.roussel", "c.delattre", "n.carpentier", DIABETO),
        ("dt2_hba1c", "dt2_complication", "psychosocial_complexity"),
        sic="held",
        plan="paper",
    ),
    Pat(
        "Gérard",
        "Masquelier",
        "M",
        datetime.date(1946, 12, 1),
        "ic",
        "Roubaix",
        "59100",
        9,
        ("h.roussel", "c.delattre", PHARM, "r.gosselin"),
        ("ic_hospitalisation", "ic_nyha", "medical_complexity"),
        sic="held",
        plan="proposed",
    ),
    Pat(
        "Christiane",
        "Dupuis",
        "F",
        datetime.date(1955, 2, 20),
        "ic_dt2",
        "Tourcoing",
        "59200",
        6,
        ("t.vandamme", "c.delattre", "n.carpentier", "r.gosselin", DIABETO),
        ("ic_nyha", "dt2_hba1c", "medical_complexity"),
        sic="held",
        plan="phone",
    ),
    Pat(
        "Daniel",
        "Wallart",
        "M",
        datetime.date(1953, 8, 11),
        "dt2",
        "Tourcoing",
        "59200",
        3,
        ("t.vandamme", "n.carpentier"),
        ("dt2_complication", "medical_complexity"),
        sic="to_record",
    ),
    Pat(
        "Sylvie",
        "Maes",
        "F",
        datetime.date(1960, 10, 28),
        "dt2",
        "Villeneuve-d'Ascq",
        "59650",
        15,
        (GP, NURSE, PHARM, DIABETO, "a.fontaine"),
        ("dt2_hba1c", "dt2_insulin", "psychosocial_complexity"),
        sic="held_thrice",
        plan="late_action",
    ),
    Pat(
        "René",
        "Caron",
        "M",
        datetime.date(1941, 6, 6),
        "ic",
        "Lille",
        "59000",
        14,
        (GP, NURSE, PHARM, CARDIO),
        ("ic_hospitalisation", "ic_nyha", "medical_complexity"),
        exited="death",
        sic="exited",
    ),
    Pat(
        "Nadia",
        "Belkacem",
        "F",
        datetime.date(1965, 3, 3),
        "ic_dt2",
        "Roubaix",
        "59100",
        None,
        (),
        ("ic_nyha", "dt2_hba1c"),
    ),
    Pat(
        "Jacques",
        "Dewaele",
        "M",
        datetime.date(1949, 12, 24),
        "ic",
        "Armentières",
        "59280",
        None,
        (),
        ("ic_hospitalisation",),
    ),
]

SIC_STORIES = {
    "due": "included recently: the first SIC is due (overdue for some)",
    "held": "a SIC held with every contribution, the next one planned",
    "held_twice": "two SICs held, the next one planned",
    "held_thrice": "three SICs held: measures and medication list changing, a hospitalisation",
    "followed": "a SIC held; the next one scheduled, its contributions coming in",
    "cancelled": "a SIC held; the next one cancelled (hospitalised), planned again",
    "to_record": "a SIC held by video three days ago that nobody has recorded yet",
    "exited": "one SIC held before the patient left the programme",
}
PLAN_STORIES = {
    "revised": "v1 validated online by the patient; v2 proposed, changes asked, answered by the "
    "coordinator and proposed again: it waits for him",
    "phone": "validated by phone, recorded by the coordinator",
    "paper": "signed on paper: the scanned sheet is kept with the plan",
    "late_action": "in force, with an action past its date (a point de rupture to follow)",
    "changes_requested": "proposed; the patient asked for changes, the coordinator's answer "
    "is awaited",
    "proposed": "proposed two weeks ago, still unanswered",
    "draft": "a draft in the making",
}

ROLE_OF = {
    Profession.GP: TeamRole.GP,
    Profession.NURSE: TeamRole.NURSE,
    Profession.PHARMACIST: TeamRole.PHARMACIST,
}

CONTENT: dict[str, dict[str, Any]] = {
    ContributionKind.GP_SUMMARY: {
        "history": "HTA, cardiopathie ischémique (stent 2016), DT2 depuis 2009. "
        "Hospitalisé en mars pour décompensation cardiaque.",
        "current_problems": "Essoufflement à l’effort, œdèmes des chevilles le soir, "
        "HbA1c à 8,4 %. Vit seul le jour, épouse au travail.",
        "expectations": "Ajuster le diurétique, organiser la surveillance du poids, "
        "revoir l’insuline avec la diabétologie.",
    },
    ContributionKind.MEDICATION_REVIEW: {
        "medications": [
            {"name": "Bisoprolol", "dose": "5 mg matin", "adherence": "good"},
            {"name": "Furosémide", "dose": "40 mg matin", "adherence": "partial"},
            {"name": "Sacubitril/valsartan", "dose": "49/51 mg x2", "adherence": "good"},
            {"name": "Metformine", "dose": "1000 mg x2", "adherence": "good"},
            {"name": "Insuline glargine", "dose": "18 UI soir", "adherence": "partial"},
        ],
        "interactions": "Pas d’interaction majeure. Attention AINS en automédication.",
        "problems": "Furosémide parfois sauté les jours de sortie. Ibuprofène acheté sans "
        "ordonnance pour des douleurs de genou.",
        "recommendations": "Pilulier hebdomadaire ; éviter les AINS (paracétamol) ; "
        "adapter l’heure du diurétique.",
    },
    ContributionKind.NURSING_ASSESSMENT: {
        "autonomy": "partial",
        "bp_systolic": 128,
        "bp_diastolic": 76,
        "heart_rate": 68,
        "weight_kg": "82.4",
        "weight_trend": "up",
        "home_situation": "Appartement au 2e sans ascenseur. Épouse présente le soir.",
        "needs": "Balance à domicile, éducation à l’auto-surveillance du poids.",
    },
    ContributionKind.SPECIALIST_OPINION: {
        "assessment": "IC à FE altérée (35 %), NYHA II-III. Congestion modérée.",
        "recommendations": "Majorer le furosémide si prise de poids > 2 kg en 3 jours ; "
        "réadaptation cardiaque à proposer.",
        "follow_up": "Échographie dans 6 mois.",
    },
    ContributionKind.PATIENT_EXPERIENCE: {
        "living_with_illness": "Je m’essouffle dans l’escalier, ça me fait peur.",
        "what_matters_most": "Pouvoir aller au marché le dimanche avec ma femme.",
        "difficulties": "Je ne sais jamais qui appeler quand ça ne va pas.",
        "goals": "Marcher 20 minutes par jour\nNe plus retourner à l’hôpital cette année\n"
        "Refaire mon potager au printemps",
    },
}

# The clinical story of a demo patient, SIC after SIC (the clinical view shows it): the
# measures improve as the treatment is adjusted, the list changes, a hospitalisation is
# reported at the second SIC. Values per visit, the first SIC being visit 0.
MEASURES_BY_VISIT: dict[str, tuple[Any, ...]] = {
    "weight_kg": ("84.6", "83.2", "82.4", "81.5"),
    "bp_systolic": (142, 134, 128, 124),
    "bp_diastolic": (84, 80, 76, 74),
    "heart_rate": (78, 72, 68, 66),
    "nyha_class": (3, 3, 2, 2),
    "lvef_percent": (30, 33, 35, 38),
    "nt_probnp": (3450, 2100, 1480, 1120),
    "hba1c_percent": ("8.9", "8.4", "7.8", "7.3"),
    "egfr": (54, 52, 51, 49),
    "potassium": ("4.2", "4.6", "4.9", "4.5"),
}
# (name, the pathway that takes it, its dose at each visit: None when not taken)
MEDICATION_HISTORY: list[tuple[str, str, tuple[str | None, ...]]] = [
    ("Bisoprolol", "ic", ("2,5 mg matin", "5 mg matin", "5 mg matin", "7,5 mg matin")),
    ("Furosémide", "ic", ("40 mg matin", "40 mg matin", "20 mg matin", "20 mg matin")),
    ("Ramipril", "ic", ("5 mg soir", None, None, None)),
    ("Sacubitril/valsartan", "ic", (None, "49/51 mg x2", "49/51 mg x2", "97/103 mg x2")),
    ("Spironolactone", "ic", (None, None, "25 mg matin", "25 mg matin")),
    ("Dapagliflozine", "", (None, None, "10 mg matin", "10 mg matin")),
    ("Metformine", "dt2", ("1000 mg x2", "1000 mg x2", "1000 mg x2", "850 mg x2")),
    ("Insuline glargine", "dt2", ("18 UI soir", "20 UI soir", "20 UI soir", "16 UI soir")),
    ("Atorvastatine", "", ("40 mg soir",) * 4),
    ("Acide acétylsalicylique", "", ("75 mg midi",) * 4),
]
HOSPITALISATION = {
    "ic": ("Décompensation cardiaque globale", 6),
    "dt2": ("Hypoglycémie sévère sous insuline", 2),
}
HOSPITALISED_DAYS_BEFORE = 75  # before the second SIC
# What the patient ticks on the experience form, SIC after SIC (the patients' experience
# summary counts them): worried and lost at first, then wanting their life back.
EXPERIENCE_PRIORITIES = (
    ("feel_better", "avoid_hospital", "understand"),
    ("avoid_hospital", "autonomy"),
    ("autonomy", "family", "activities"),
    ("activities", "family", "morale"),
)
EXPERIENCE_DIFFICULTIES = (
    ("coordination", "explanations", "treatment"),
    ("treatment", "appointments"),
    ("appointments",),
    ("daily_life",),
)


def content(kind: str, pathway: str, visit: int, held_on: datetime.date) -> dict[str, Any]:
    """What `kind` says at the patient's SIC number `visit` (from 0), held on `held_on`:
    the texts of CONTENT, the measures and medications of that visit for the pathway."""
    visit = min(visit, 3)
    written = {k: v for k, v in CONTENT[kind].items() if k != "medications"}
    for measure in measures_for(kind=kind, pathway=pathway):
        written[measure.key] = MEASURES_BY_VISIT[measure.key][visit]
    if kind == ContributionKind.MEDICATION_REVIEW:
        written["medications"] = [
            {"name": name, "dose": doses[visit], "adherence": "partial" if visit == 0 else "good"}
            for name, takes, doses in MEDICATION_HISTORY
            if doses[visit] is not None and (not takes or takes in pathway)
        ]
    if kind == ContributionKind.PATIENT_EXPERIENCE:
        written["priorities"] = [
            *EXPERIENCE_PRIORITIES[visit],
            *(["eating"] if "dt2" in pathway else []),
        ]
        written["difficulty_topics"] = [
            *EXPERIENCE_DIFFICULTIES[visit],
            *(["transport"] if pathway == "ic" else []),
        ]
    if kind == ContributionKind.GP_SUMMARY:
        reason, days = HOSPITALISATION["ic" if "ic" in pathway else "dt2"]
        admitted = held_on - datetime.timedelta(days=HOSPITALISED_DAYS_BEFORE)
        written["hospitalisations"] = (
            [{"date": admitted.isoformat(), "reason": reason, "days": days}] if visit == 1 else []
        )
    return written


MINUTES = (
    "Point sur la décompensation de mars. Poids en hausse de 2 kg depuis un mois. "
    "Le patient souhaite rester actif et sortir le dimanche. Accord sur une surveillance "
    "du poids par l’IDEL trois fois par semaine et un pilulier."
)
DECISIONS = [
    "Pesée trois fois par semaine par l’infirmière, alerte si +2 kg en 3 jours",
    "Pilulier hebdomadaire préparé par la pharmacie",
    "Orientation vers la réadaptation cardiaque",
    "Séances d’activité physique adaptée (APA) financées par l’enveloppe",
]


GOALS = [
    "Aller au marché le dimanche avec ma femme",
    "Ne plus retourner à l’hôpital cette année",
]
# (what, owner: team role or "patient"/"caregiver"/"provider:<name>", when, days until due)
ACTIONS = [
    (
        "Pesée trois fois par semaine, alerte si +2 kg en 3 jours",
        "nurse",
        "lundi, mercredi, vendredi",
        None,
    ),
    ("Préparer le pilulier de la semaine", "pharmacist", "chaque vendredi", None),
    ("Orienter vers la réadaptation cardiaque", "specialist", "avant la prochaine SIC", 45),
    (
        "Séances d’activité physique adaptée",
        "provider:Association Sport Santé Métropole (APA)",
        "deux fois par semaine",
        None,
    ),
    ("Marcher 20 minutes chaque jour", "patient", "tous les jours", None),
    ("Noter le poids dans le carnet", "caregiver", "à chaque pesée", None),
]


REVISED_ACTIONS = [  # Mr Lambert's v2: he walks longer, and sees a dietitian
    *ACTIONS[:4],
    ("Marcher 30 minutes chaque jour", "patient", "tous les jours", None),
    ACTIONS[5],
    (
        "Consultation diététique (sel, diabète)",
        "provider:Antoine Fontaine, diététicien",
        "une fois par mois",
        30,
    ),
]
# Providers' actions whose provider the demo chooses from the budget's directory (what: a key
# of PROFESSIONALS, or "association").
FROM_DIRECTORY = {
    "Séances d’activité physique adaptée": "association",
    "Consultation diététique (sel, diabète)": "a.fontaine",
}
# Recurring actions (what: every, unit), followed occurrence by occurrence; from the day the
# plan is written, done each time before the current one in a plan in force.
RECURRING = {"Préparer le pilulier de la semaine": (1, "week")}
# The draft plan takes its goals from the patient's experience form: the first two; the others
# stay offered on the plan page.
GOALS_FROM_PATIENT = 2
LATE_ACTIONS = [("Bilan podologique annuel", "nurse", "une fois", -12), *ACTIONS[1:3]]
CHANGES_COMMENT = (
    "Je ne peux pas marcher tous les jours à cause de mon genou ; "
    "je préfère la piscine deux fois par semaine."
)
# Mr Lambert's question on his v2, and the coordinator's answer (the plan proposed again as is).
REVISED_COMMENT = (
    "Trente minutes d’un coup, c’est long pour moi : puis-je marcher deux fois quinze minutes ?"
)
REVISED_ANSWER = (
    "Oui, deux fois quinze minutes comptent autant. Le plan ne change pas : "
    "nous vous le proposons à nouveau tel quel."
)
CANCEL_REASON = "Patiente hospitalisée la veille (décompensation)."


@dataclass(frozen=True)
class Carer:
    patient: str  # the patient's last name
    first: str
    last: str
    relationship: str
    email: str
    phone: str


CAREGIVER = Carer("Lambert", "Françoise", "Lambert", "épouse", "aidant@demo.test", "06 11 22 33 44")
# A nurse who left Mme Vermeersch's team: history stays, access is gone.
FORMER_MEMBER = ("Vermeersch", "j.lemaire", TeamRole.NURSE, 300, 120)  # joined days ago, stayed
# Who read Mr Lambert's record, and how many days ago: his access history is not empty.
READS = [
    (GP, "patient record", 2),
    (CARDIO, "care team", 5),
    (PHARM, "patient record", 9),
    (NURSE, "patient record", 12),
]
# His name on the coordinator's lists (what, how many days ago, at what time): the patient
# reads them grouped, one line a day, « a vu votre nom dans une liste — 3 fois ».
LIST_READS = [
    ("dashboard", 1, datetime.time(9, 12)),
    ("dashboard", 1, datetime.time(11, 40)),
    ("dashboard", 1, datetime.time(16, 5)),
    ("SIC calendar", 3, datetime.time(10, 30)),
]
# The coordinator's work phone, shown to her patients.
COORDINATOR_PHONE = "03 20 44 51 60"
STREETS = ["des Stations", "Gambetta", "de Paris", "Solférino", "Nationale"]


def professional_fields(seed: int, spec: Pro) -> dict[str, object]:
    return {
        "rpps": rpps(seed * 7919),
        "first_name": spec.first,
        "last_name": spec.last,
        "profession": spec.profession,
        "practice_mode": spec.mode,
        "organisation": spec.organisation,
        "city": spec.city,
        "postal_code": "59000",
        "address": f"{10 + seed} rue Nationale",
        "phone": f"03 20 {seed:02d} 4{seed % 10} 1{seed % 7}",
        "email": f"{spec.key}@demo.test",
        "mssante_email": f"{spec.key}@pro.mssante.test",
    }


def patient_fields(index: int, spec: Pat) -> dict[str, object]:
    email = f"{spec.first.lower()}.{spec.last.lower()}@exemple.test"
    return {
        "last_name": spec.last,
        "first_name": spec.first,
        "birth_date": spec.birth,
        "sex": spec.sex,
        "nir": nir(spec.sex, spec.birth, "59", 350 + index * 17),
        "pathway": spec.pathway,
        "city": spec.city,
        "postal_code": spec.postal,
        "address": f"{3 + index * 4} rue {STREETS[index % 5]}",
        "phone": f"06 {12 + index:02d} 45 {30 + index:02d} 8{index % 10}",
        "email": email.replace("é", "e").replace("è", "e"),
        "inclusion_criteria": list(spec.criteria),
    }


# --- Budget: the yearly envelope of each pathway, and what was prescribed from it --------------

BUDGET_RATES = [("ic", "600.00"), ("dt2", "600.00"), ("ic_dt2", "900.00")]
BUDGET_RATES_FROM = datetime.date(2020, 1, 1)
APA_ASSOCIATION = ("Association Sport Santé Métropole", "73282932000074", "Lille")


@dataclass(frozen=True)
class Care:
    """A prescription of supplementary care and what became of it."""

    patient: str  # last name
    category: str  # a default category's name
    provider: str  # a key of PROFESSIONALS, or "association"
    sessions: int
    unit_price: str
    prescriber: str = ""  # a key of PROFESSIONALS with an account; "" the coordinator
    decided: bool = True  # False: waiting for the coordinator
    done: tuple[int, ...] = ()  # sessions done per invoice
    paid: int = 0  # how many of those invoices are paid
    invoice: bool = False  # the first expense has the provider's invoice attached
    days_ago: int = 40  # prescribed that many days ago
    action: str = ""  # the care-plan action it serves (its "what"), in the latest plan


CARES = [
    Care(
        "Lambert",
        "diététicien·ne",
        "a.fontaine",
        6,
        "45.00",
        GP,
        done=(2, 1),
        paid=1,
        invoice=True,
        action="Consultation diététique (sel, diabète)",
    ),
    Care(
        "Vermeersch",
        "activité physique adaptée",
        "association",
        10,
        "30.00",
        done=(4,),
        action="Séances d’activité physique adaptée",
    ),
    # Waiting for more than a week: the coordinator's bell reminds her of it.
    Care("Boukhalfa", "psychologue", "p.mercier", 4, "60.00", decided=False, days_ago=9),
    # Mrs Maes's second year: nearly all of it spent with the dietitian.
    Care("Maes", "diététicien·ne", "a.fontaine", 12, "45.00", done=(6, 5), paid=1, days_ago=20),
    # Earlier in the year, so that the admin's overview shows several quarters.
    Care("Vermeersch", "psychologue", "p.mercier", 2, "60.00", done=(1, 1), paid=2, days_ago=300),
    Care(
        "Masquelier",
        "diététicien·ne",
        "a.fontaine",
        6,
        "45.00",
        done=(2, 2, 1),
        paid=2,
        days_ago=230,
    ),
    # Approved long ago, then nothing for over 90 days: money committed but unspent.
    Care(
        "Lecomte",
        "activité physique adaptée",
        "association",
        8,
        "30.00",
        done=(3, 3),
        paid=1,
        days_ago=170,
    ),
    Care("Dupuis", "psychologue", "p.mercier", 4, "60.00", days_ago=130),
    Care("Haddou", "diététicien·ne", "a.fontaine", 5, "45.00", done=(2,), paid=1, days_ago=100),
]


# --- Mr Lambert's threads ---------------------------------------------------------------------
# (author — a professional's key, "coordination" or "patient" —, days ago, hour, text, flags)
# `{pharmacien}` is replaced by « @First Last » of that member: a mention.
THREAD_PHOTO = "photo"  # the nurse's photo of the swollen ankle
THREAD_PIN = "pin"  # pinned for the next SIC by the coordinator
ThreadLine = tuple[str, int, int, str, set[str]]
TEAM_THREAD: list[ThreadLine] = [
    (
        NURSE,
        4,
        9,
        "Passage ce matin chez M. Lambert : cheville gauche nettement plus gonflée qu’il y a "
        "trois jours, signe du godet, pas de douleur.\nPoids 84,2 kg (+1,8 kg en 4 jours). "
        "Photo jointe.",
        {THREAD_PHOTO},
    ),
    (
        GP,
        4,
        12,
        "Merci. Je passe le voir ce soir. Furosémide à 80 mg/j pendant 5 jours, ionogramme et "
        "créatinine à J3.\n{pharmacien} peux-tu adapter le pilulier dès demain ?",
        {THREAD_PIN},
    ),
    (PHARM, 4, 17, "C’est noté, pilulier refait pour la semaine ; je lui explique demain.", set()),
    (
        NURSE,
        1,
        9,
        "Poids 82,9 kg ce matin, œdème en nette régression. Bilan fait, résultats au cabinet.\n"
        "Pour mémoire, le parcours IC : https://www.has-sante.fr/jcms/c_1242988/fr/",
        set(),
    ),
    (
        "coordination",
        1,
        11,
        "J’ai épinglé l’adaptation du diurétique pour la prochaine SIC.",
        set(),
    ),
]
PATIENT_THREAD: list[ThreadLine] = [
    (
        "coordination",
        6,
        10,
        "Bonjour Monsieur Lambert, vous pouvez écrire ici à votre équipe pour toute question. "
        "Pour une urgence, appelez le 15.",
        set(),
    ),
    (
        "patient",
        5,
        18,
        "Bonjour, mes chevilles gonflent depuis quelques jours et j’ai pris presque 2 kilos. "
        "Est-ce que je dois m’inquiéter ?",
        set(),
    ),
    (
        NURSE,
        4,
        8,
        "Bonjour Monsieur Lambert, je passe chez vous ce matin comme prévu et je préviens le "
        "médecin. Continuez à vous peser chaque matin.",
        set(),
    ),
    ("patient", 1, 19, "Merci, ça va mieux ce matin : 82,9 kg.", set()),
]


@dataclass(frozen=True)
class Event:
    """A pathway event of the demo: days ago it happened, the stay's length (None: no
    discharge), the follow-up contacts made after it (kind, days after the discharge, by)."""

    patient: str  # the patient's last name
    kind: str
    days_ago: int
    stay_days: int | None = None
    cause: str = ""
    establishment: str = ""
    source: str = "discharge_letter"
    source_detail: str = ""
    contacts: tuple[tuple[str, int, str], ...] = ()


EVENTS = [
    # Mr Lambert's stay of the GP's summary (two months ago), followed in time.
    Event(
        "Lambert",
        "hospitalisation",
        63,
        6,
        "heart_failure",
        "CHU de Lille — Institut Cœur Poumon",
        contacts=(("medical", 2, GP), ("specialist", 21, CARDIO)),
    ),
    # Discharged ten days ago: the GP called on day 3, the cardiologist is still to see her.
    Event(
        "Vermeersch",
        "hospitalisation",
        16,
        6,
        "heart_failure",
        "Hôpital Saint-Philibert, Lomme",
        source_detail="Courrier reçu par le médecin traitant",
        contacts=(("medical", 3, GP),),
    ),
    # The stay that cancelled her SIC: discharged four days ago, both windows open.
    Event(
        "Lecomte",
        "hospitalisation",
        11,
        7,
        "heart_failure",
        "CHU de Lille",
        source="relative",
        source_detail="Appel de sa fille",
    ),
    # Discharged nine days ago, nobody has seen her since: a break in « Ruptures ».
    Event(
        "Haddou",
        "hospitalisation",
        14,
        5,
        "diabetes",
        "CH de Roubaix",
        source="dmp",
    ),
    Event(
        "Wallart",
        "emergency",
        20,
        cause="other",
        establishment="CH de Tourcoing",
        source="patient_call",
        source_detail="Chute à domicile, rentré le soir même",
    ),
]


@dataclass(frozen=True)
class Opinion:
    """A specialist opinion asked about a patient, and what became of it."""

    patient: str  # last name
    asked_by: str  # key of PROFESSIONALS
    specialist: str  # key of PROFESSIONALS, with an account
    urgency: str
    days_ago: int  # when it was asked
    question: str
    answer: str = ""
    answered_after_hours: int = 0
    pinned: bool = False  # « À discuter en SIC »


OPINIONS = [
    # Mr Lambert's GP asks a heart-failure cardiologist outside the team; answered in 20 h and
    # pinned to the next SIC.
    Opinion(
        "Lambert",
        GP,
        "v.lemoine",
        "48h",
        9,
        "Bisoprolol 5 mg depuis 3 semaines, FC 72/min, PA 108/64 assis, pas d'hypotension "
        "orthostatique, kaliémie 4,6. Peut-on passer à 7,5 mg malgré la PA basse, ou faut-il "
        "d'abord réduire le furosémide ? Dernier ECG et bilan joints.",
        "Oui, passer à 7,5 mg : la PA est acceptable sans symptôme. Réduire d'abord le "
        "furosémide à 20 mg si le poids est stable depuis 2 semaines. Contrôle FC, PA et "
        "poids à J7 par l'infirmière ; ionogramme à J15. Viser 10 mg à M2 si tolérance.",
        20,
        True,
    ),
    # His pharmacist asks the diabetologist of the directory; waiting (7 days).
    Opinion(
        "Lambert",
        PHARM,
        DIABETO,
        "7d",
        2,
        "HbA1c 8,1 % sous metformine 2 g et gliclazide. DFG 48. Un iSGLT2 serait-il "
        "préférable au gliclazide, vu l'insuffisance cardiaque ? Dernière biologie jointe.",
    ),
]
