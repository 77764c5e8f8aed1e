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
    """(code, description, providing tier) for each row of data/local_services.csv."""
    with (DATA / "local_services.csv").open(encoding="utf-8", newline="") as f:
        return [(int(r["LGSL"]), r["Description"].strip(), r["Providing Tier"].strip()) for r in csv.DictReader(f)]


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
    for code, description, tier in lgsl_rows():
        service_area.objects.update_or_create(code=code, defaults={"description": description, "tier": tier})
    for name in CONTROLLED_SKILLS:
        skill.objects.update_or_create(key=" ".join(name.split()).lower(), defaults={"name": name, "controlled": True})


def vocabulary_rows() -> list[list[str]]:
    """The seed search vocabulary (data/vocabulary.txt): one idea a line, its phrases split on "|"."""
    rows = []
    for line in (DATA / "vocabulary.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([phrase.strip().lower() for phrase in line.split("|") if phrase.strip()])
    return rows


def filler_words_listed() -> list[str]:
    """The everyday words of data/filler_words.txt (see talentpool.vocabulary.search_idea_weights)."""
    lines = (DATA / "filler_words.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


WORD = r"[a-z]{4,40}"  # the words kept for typo suggestions: letters only, four or more


def words_in(*texts: str) -> set[str]:
    """The distinct words of these texts worth checking a search against."""
    return {w for text in texts for w in re.findall(WORD, text.lower())}
