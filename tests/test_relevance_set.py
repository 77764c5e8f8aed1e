"""The relevance set (benchmarks/relevance/set.json) is well formed, and benchmarks/relevance.py scores right.

Fast: nothing is generated and no profile is saved; the word checks ask PostgreSQL's `english` parser,
the one the search indexes with.
"""

from collections import Counter
from datetime import date

import pytest
from django.db import connection

from benchmarks.relevance import KINDS, Outcome, Ranking, outcomes, rank_of, score, set_read
from talentpool.reference import lgsl_rows

SET = set_read()
PROFILES = {p["key"]: p for p in SET["profiles"]}


def profile_text(profile: dict) -> str:
    """What the search indexes of a profile: headline, skills, summary and past projects."""
    parts = [profile["headline"], profile["summary"], *profile["skills"]]
    for project in profile["projects"]:
        parts += [project["title"], project["problem"], project["what_i_did"], project["outcome"]]
    return " ".join(parts)


def lexemes(text: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('english', %s))", [text])
        return set(cursor.fetchone()[0])


def test_the_set_has_at_least_24_profiles_and_48_searches():
    assert len(SET["profiles"]) >= 24
    assert len(PROFILES) == len(SET["profiles"]), "profile keys are unique"
    assert len(SET["searches"]) >= 48
    assert len({s["q"].lower() for s in SET["searches"]}) == len(SET["searches"]), "no search twice"


def test_every_profile_is_complete_and_at_a_council_of_the_set():
    councils = {c["code"] for c in SET["councils"]}
    service_areas = {code for code, _description, _tier in lgsl_rows()}
    assert SET["viewer_council"] in councils
    for p in SET["profiles"]:
        assert p["council"] in councils, p["key"]
        assert p["council"] != SET["viewer_council"], p["key"]
        assert p["name"].strip(), p["key"]
        assert p["summary"].strip(), p["key"]
        assert p["skills"], p["key"]
        assert 0 < len(p["headline"]) <= 120, p["key"]
        assert set(p["service_areas"]) <= service_areas, p["key"]
        assert 1 <= len(p["projects"]) <= 3, p["key"]
        for project in p["projects"]:
            assert all(project[f].strip() for f in ("title", "problem", "what_i_did", "outcome")), p["key"]
            assert len(project["title"]) <= 150, p["key"]
            assert 1990 <= project["year"] <= date.today().year, p["key"]
            assert project.get("service_area") in service_areas | {None}, p["key"]


def test_every_search_expects_a_profile_of_the_set_and_every_profile_is_expected_somewhere():
    assert {s["expected"] for s in SET["searches"]} == set(PROFILES)


def test_every_kind_of_search_is_there():
    kinds = Counter(s["kind"] for s in SET["searches"])
    assert set(kinds) == set(KINDS)
    assert all(kinds[kind] >= 3 for kind in KINDS), kinds


def test_an_abbreviation_search_contains_its_abbreviation():
    for s in SET["searches"]:
        if s["kind"] == "abbreviation":
            assert s["abbreviation"].isupper(), s["q"]
            assert {s["abbreviation"], s["abbreviation"] + "s"} & set(s["q"].split()), s["q"]  # "EHCPs" names EHCP


@pytest.mark.django_db
def test_typos_and_unknown_words_are_in_no_profile():
    every_profile = lexemes(" ".join(profile_text(p) for p in SET["profiles"]))
    for s in SET["searches"]:
        word = s.get("typo") or s.get("unknown")
        if s["kind"] in ("typo", "unknown-word"):
            assert word, s["q"]
            assert word in s["q"], s["q"]
            assert lexemes(word), s["q"]
            found = lexemes(word) & every_profile
            assert not found, (s["q"], found)


@pytest.mark.django_db
def test_a_paraphrase_shares_no_word_with_its_expected_profile():
    for s in SET["searches"]:
        if s["kind"] == "paraphrase":
            shared = lexemes(s["q"]) & lexemes(profile_text(PROFILES[s["expected"]]))
            assert not shared, (s["q"], shared)


def test_rank_of_counts_from_one_and_is_none_when_missing():
    assert rank_of(7, [3, 7, 9]) == 2
    assert rank_of(3, [3, 7, 9]) == 1
    assert rank_of(4, [3, 7, 9]) is None


def test_score_counts_hits_within_1_and_3_and_the_mean_reciprocal_rank():
    toy = [
        Outcome("first", "a", "keywords", rank=1, results=5),
        Outcome("third", "a", "keywords", rank=3, results=4),
        Outcome("fourth", "a", "sentence", rank=4, results=9),
        Outcome("missed", "a", "typo", rank=None, results=2),
        Outcome("nothing", "a", "typo", rank=None, results=0),
    ]
    result = score(toy)
    assert result.searches == 5
    assert result.hit_at_1 == pytest.approx(1 / 5)
    assert result.hit_at_3 == pytest.approx(2 / 5)
    assert result.mrr == pytest.approx((1 + 1 / 3 + 1 / 4) / 5)
    assert result.found_nothing == 1


def test_score_of_no_searches_is_zero():
    assert score([]).searches == 0
    assert score([]).mrr == 0.0


def test_the_set_alone_counts_only_the_sets_profiles_in_the_same_order():
    ranked = [
        Ranking(search={"q": "bins", "expected": "a", "kind": "keywords"}, ids=[90, 91, 2, 1], seconds=0.0),
        Ranking(search={"q": "rates", "expected": "b", "kind": "keywords"}, ids=[90, 91], seconds=0.0),
    ]
    profile_ids = {"a": 1, "b": 2}
    alone = outcomes(ranked, profile_ids=profile_ids, among={1, 2})
    mixed = outcomes(ranked, profile_ids=profile_ids, among=None)
    assert [(o.rank, o.results) for o in alone] == [(2, 2), (None, 0)]
    assert [(o.rank, o.results) for o in mixed] == [(4, 4), (None, 2)]
