"""Reference lists shipped with the project: LGSL service areas and the 15 LGDSS points."""

import csv
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def lgdss_points() -> dict[int, str]:
    """Point number -> the point's statement, from data/lgdss_points.txt."""
    points = {}
    for line in (DATA / "lgdss_points.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        number, _title, statement = (part.strip() for part in line.split("|", 2))
        # Drop the source markers ("[C,D,E]") the file keeps for provenance.
        if statement.endswith("]") and "[" in statement:
            statement = statement[: statement.rindex("[")].strip()
        points[int(number)] = statement
    return points


def lgdss_choices() -> list[tuple[int, str]]:
    return [(n, f"{n}. {text}") for n, text in sorted(lgdss_points().items())]


def lgsl_rows() -> list[tuple[int, str, str]]:
    """(code, description, providing tier) for each row of data/local_services.csv, the description tidied
    (service_name_clean)."""
    with (DATA / "local_services.csv").open(encoding="utf-8", newline="") as f:
        return [
            (int(r["LGSL"]), service_name_clean(r["Description"]), r["Providing Tier"].strip())
            for r in csv.DictReader(f)
        ]


_LEAD_IN = re.compile(r"^(?:find out (?:more )?about|find out)\s+", re.IGNORECASE)
_TYPOS = {"abut": "about", "adaptions": "adaptations"}


def service_name_clean(text: str) -> str:
    """An LGSL description as a name to pick from a list: without the lead-in every one of them shares
    ("Find out about …"), single spaces, known typos mended, a capital first letter."""
    name = " ".join(_TYPOS.get(word, word) for word in text.replace('"', " ").split())
    name = _LEAD_IN.sub("", name)
    return name[:1].upper() + name[1:]


# Service groups for finding an area in a long list: the first group with a word in the name wins.
SERVICE_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    (
        "Schools, children and families",
        (
            "school",
            "child",
            "nursery",
            "truancy",
            "fostering",
            "adopting",
            "youth",
            "education",
            "family",
            "prospectus",
        ),
    ),
    ("Council tax, benefits and business rates", ("council tax", "business rates", "benefit")),
    (
        "Housing",
        (
            "housing",
            "council home",
            "homeless",
            "tenant",
            "rehousing",
            "garage",
            "squatter",
            "right to buy",
            "council propert",
            "sheltered",
        ),
    ),
    (
        "Adult social care and disability",
        (
            "social services",
            "disab",
            "direct payments",
            "day centres",
            "meals",
            "carers",
            "bus pass",
            "blue badge",
            "support groups",
            "adaptation",
            "elderly",
            "facility grant",
            "care act",
        ),
    ),
    ("Waste and recycling", ("waste", "refuse", "recycling", "collection", "flytipping", "syringes")),
    (
        "Roads, parking and transport",
        (
            "road",
            "pothole",
            "street",
            "traffic",
            "pedestrian",
            "speed",
            "pavement",
            "gritting",
            "parking",
            "kerb",
            "transport",
            "vehicles",
            "spillages",
        ),
    ),
    ("Community safety and emergencies", ("emergency", "severe weather", "community safety")),
    ("Planning and building", ("planning", "building", "conservation", "tree", "demolition", "derelict", "structures")),
    (
        "Environment and public protection",
        (
            "noise",
            "pest",
            "dog",
            "asbestos",
            "graffiti",
            "vandalism",
            "drains",
            "animal",
            "flyposting",
            "nuisance",
            "food",
            "trading",
            "environment",
        ),
    ),
    ("Licensing", ("licen", "chaperone")),
]
OTHER_SERVICES = "Council, community and other services"


def service_group(name: str) -> str:
    lowered = name.lower()
    for group, words in SERVICE_GROUPS:
        if any(word in lowered for word in words):
            return group
    return OTHER_SERVICES


CONTROLLED_SKILLS = [
    "Accessibility", "Agile coaching", "Business analysis", "Change management", "Content design",
    "CRM configuration", "Cyber security", "Data analysis", "Data engineering", "Delivery management",
    "Digital inclusion", "GIS and mapping", "Information governance", "Interaction design", "Low-code platforms",
    "Open data", "Performance analysis", "Procurement", "Product management", "Project management",
    "Service design", "Software development", "Technical architecture", "User research", "Web development",
]  # fmt: skip


def reference_data_load(*, service_area, skill) -> None:
    """Load the LGSL service areas and the controlled skills (idempotent). Takes the model classes so the
    data migration can pass its historical models."""
    grouped = any(f.name == "group" for f in service_area._meta.fields)  # from migration 0016
    for code, description, tier in lgsl_rows():
        defaults = {"description": description, "tier": tier}
        if grouped:
            defaults["group"] = service_group(description)
        service_area.objects.update_or_create(code=code, defaults=defaults)
    for name in CONTROLLED_SKILLS:
        skill.objects.update_or_create(key=" ".join(name.split()).lower(), defaults={"name": name, "controlled": True})


def vocabulary_rows() -> list[list[str]]:
    """The seed search vocabulary (data/vocabulary.txt): one idea a line, its phrases split on "|"."""
    rows = []
    for line in (DATA / "vocabulary.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([phrase.strip().lower() for phrase in line.split("|") if phrase.strip()])
    return rows


def vocabulary_grow(model) -> int:
    """Bring the seed vocabulary's new ideas and phrases into the kept one (`model`: SearchVocabulary, or a
    migration's copy of it): each new idea is added, and an idea already kept gains the seed's new phrases;
    a phrase already kept under another idea (perhaps moved there by platform staff) stays where it is. A
    seed phrase that staff removed comes back (each migration brings the seed in once). Returns how many
    ideas were added."""
    kept = list(model.objects.all())
    used = {phrase for entry in kept for phrase in entry.phrases}
    added = 0
    for row in vocabulary_rows():
        new = [phrase for phrase in row if phrase not in used]
        if not new:
            continue
        entry = next((e for e in kept if set(e.phrases) & set(row)), None)
        if entry is None:
            if len(new) >= 2:
                kept.append(model.objects.create(phrases=new))
                added += 1
        else:
            entry.phrases = [*entry.phrases, *new]
            entry.save(update_fields=["phrases"])
        used.update(new)
    return added


def filler_words_listed() -> list[str]:
    """The everyday words of data/filler_words.txt (see talentpool.vocabulary.search_idea_weights)."""
    lines = (DATA / "filler_words.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


WORD = r"[a-z]{4,40}"  # the words kept for typo suggestions: letters only, four or more


def words_in(*texts: str) -> set[str]:
    """The distinct words of these texts worth checking a search against."""
    return {w for text in texts for w in re.findall(WORD, text.lower())}
