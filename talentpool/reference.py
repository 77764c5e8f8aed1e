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


def vocabulary_phrase(phrase: str) -> str:
    """A vocabulary phrase as kept: its words single-spaced, in lower case, except an abbreviation that is
    also a word of English, written in capitals ("SEND"): kept so, it names its idea only when a search has
    it in capitals ("nowhere else to send them" is not about special educational needs). An abbreviation
    that is no word ("HMO", "CCTV") is kept in lower case, and named however it is typed."""
    phrase = " ".join(phrase.split())
    return phrase if capitals_only(phrase) and is_english(phrase.lower()) else phrase.lower()


def capitals_only(phrase: str) -> bool:
    """Whether a phrase is written in capitals, with at least two letters ("SEND", "TA"): an abbreviation."""
    return phrase.isupper() and sum(c.isalpha() for c in phrase) >= 2


def vocabulary_rows() -> list[list[str]]:
    """The seed search vocabulary (data/vocabulary.txt): one idea a line, its phrases split on "|"."""
    rows = []
    for line in (DATA / "vocabulary.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([vocabulary_phrase(phrase) for phrase in line.split("|") if phrase.strip()])
    return rows


def vocabulary_capitalise(model) -> int:
    """Each seed phrase now written in capitals (vocabulary_phrase) replaces the same phrase kept in lower
    case in the idea that keeps the seed's other phrases (not where staff may have put the everyday word
    in an idea of their own); returns how many were replaced."""
    replaced = 0
    kept = list(model.objects.all())
    for row in vocabulary_rows():
        capitals = {p.lower(): p for p in row if capitals_only(p)}
        if not capitals:
            continue
        for entry in (e for e in kept if set(e.phrases) & (set(row) - set(capitals.values()))):
            phrases = list(dict.fromkeys(capitals.get(p, p) for p in entry.phrases))
            if phrases != entry.phrases:
                replaced += sum(p in capitals for p in entry.phrases)
                entry.phrases = phrases
                entry.save(update_fields=["phrases"])
    return replaced


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


def vocabulary_retire(model, phrases: list[str]) -> int:
    """Take these phrases out of the kept vocabulary (`model`: SearchVocabulary, or a migration's copy),
    wherever platform staff keep them, unless an idea would be left with fewer than two; returns how many
    were taken out. For everyday words a seed idea no longer counts as naming it ("claims", "reporting")."""
    retired = set(phrases)
    taken = 0
    for entry in model.objects.all():
        kept = [p for p in entry.phrases if p not in retired]
        if len(kept) < len(entry.phrases) and len(kept) >= 2:
            taken += len(entry.phrases) - len(kept)
            entry.phrases = kept
            entry.save(update_fields=["phrases"])
    return taken


def filler_words_listed() -> list[str]:
    """The everyday words of data/filler_words.txt (see talentpool.vocabulary.search_idea_weights)."""
    lines = (DATA / "filler_words.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


WORD = r"[a-z]{4,40}"  # the words kept for typo suggestions: letters only, four or more


@cache
def english_words() -> frozenset[str]:
    """Words of English (lower case, letters only): the English word list inside pyspellchecker (MIT
    licence, built from the OpenSubtitles corpus), some 130,000 words, read once per process (0.2 s; the
    web server's workers read it as they start: config.wsgi). American spellings mostly: see is_english."""
    from spellchecker import SpellChecker

    listed = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return frozenset(w for w in listed if len(w) >= 2 and w.isascii() and w.isalpha() and w.islower())


def is_english(word: str) -> bool:
    """Whether a word (lower case) is a word of English, in its American or its British spelling
    ("behaviour", "organise", "centre", "licence", "travelled", "catalogue", "mould"): a search's word that
    is one is never "corrected" to another that a profile uses ("fitting" is not a misspelling of
    "gritting"), only to its other spelling (spelling_variants)."""
    words = english_words()
    return word in words or any(american in words for american in _respelt(word, _TO_AMERICAN))


def spelling_variants(word: str) -> list[str]:
    """The word in its other spellings, British and American, singular and plural: "organization" gives
    "organisation" and "organisations" (PostgreSQL's English stemmer keeps the two spellings apart)."""
    respelt = [*_respelt(word, _TO_AMERICAN), *_respelt(word, _TO_BRITISH)]
    forms = (v for r in respelt for v in ((r, r[:-1]) if r.endswith("s") else (r, r + "s")))
    return list(dict.fromkeys(v for v in forms if v != word))


_SUFFIX_OUR = r"(?=(?:s|ed|ing|ite|ites|able|ably|ful|hood|hoods|er|ers|less|y)?$)"
_SUFFIX_ISE = r"(?=(?:e|es|ed|ing|ation|ations|er|ers)$)"
_SUFFIX_YSE = r"(?=(?:e|es|ed|ing)$)"
_SUFFIX_LL = r"(?=(?:ed|ing|er|ers)$)"
_ENDINGS = [  # a British ending, its American one, what may follow, what must come before: "behaviour"
    ("our", "or", _SUFFIX_OUR, ""),
    ("is", "iz", _SUFFIX_ISE, ""),
    ("ys", "yz", _SUFFIX_YSE, ""),
    ("ll", "l", _SUFFIX_LL, "[aeiou]"),
    ("ogue", "og", r"(?=s?$)", ""),
    ("amme", "am", r"(?=s?$)", ""),
]


def _endings(*, to_american: bool) -> list[tuple[re.Pattern[str], str]]:
    return [
        (
            re.compile(rf"(?<=[a-z]{{2}}{before}){british if to_american else american}{after}"),
            american if to_american else british,
        )
        for british, american, after, before in _ENDINGS
    ]


_TO_AMERICAN, _TO_BRITISH = _endings(to_american=True), _endings(to_american=False)
# Words spelt otherwise in British English that no ending tells apart (with their plurals)
_BRITISH_WORDS = {
    "centre": "center",
    "theatre": "theater",
    "metre": "meter",
    "litre": "liter",
    "fibre": "fiber",
    "calibre": "caliber",
    "sombre": "somber",
    "spectre": "specter",
    "meagre": "meager",
    "lustre": "luster",
    "manoeuvre": "maneuver",
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "mould": "mold",
    "kerb": "curb",
    "tyre": "tire",
    "cheque": "check",
    "grey": "gray",
    "plough": "plow",
    "storey": "story",
    "gaol": "jail",
    "aluminium": "aluminum",
    "paediatric": "pediatric",
    "anaemia": "anemia",
    "sceptical": "skeptical",
    "judgement": "judgment",
    "ageing": "aging",
    "enrolment": "enrollment",
    "fulfil": "fulfill",
    "instalment": "installment",
    "artefact": "artifact",
    "draught": "draft",
    "orthopaedic": "orthopedic",
    "anaesthetic": "anesthetic",
}


def _respelt(word: str, rules: list[tuple[re.Pattern[str], str]]) -> list[str]:
    """The word with each ending of `rules` changed on its own, and as a listed word (_BRITISH_WORDS)."""
    out = [respelt for pattern, to in rules if (respelt := pattern.sub(to, word, count=1)) != word]
    listed = _BRITISH_WORDS if rules is _TO_AMERICAN else _AMERICAN_WORDS
    singular, plural = (word[:-1], "s") if word.endswith("s") and word[:-1] in listed else (word, "")
    if singular in listed:
        out.append(listed[singular] + plural)
    return out


_AMERICAN_WORDS = {american: british for british, american in _BRITISH_WORDS.items()}


def words_in(*texts: str) -> set[str]:
    """The distinct words of these texts worth checking a search against."""
    return {w for text in texts for w in re.findall(WORD, text.lower())}
