"""Search in the words officers use: the vocabulary kept by platform staff makes an abbreviation or a
paraphrase find a profile written in other words; searches that find nobody are kept without who searched."""

import re

import pytest
from django.urls import reverse

from talentpool.models import SearchVocabulary, SearchWithoutResults
from talentpool.vocabulary import _corrected, corrections, ideas_named, search_words, vocabulary_ideas
from tests.factories import UserFactory, specialist_profile
from tests.talentpool.test_selectors_search import add_project, names

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(council):
    return UserFactory(council=council, roles=["booking_officer"], email="viewer@alphaton.gov.uk")


@pytest.fixture
def fly_tipping(other_council):
    profile = specialist_profile(other_council, full_name="Fay Fly", headline="Waste enforcement officer")
    add_project(profile, "Tackling fly-tipping hotspots with cameras", problem="Rubbish left in lay-bys.")
    return profile


@pytest.fixture
def business_rates(other_council):
    profile = specialist_profile(other_council, full_name="Ray Rates", headline="Revenues team leader")
    add_project(profile, "Business rates relief backlog", problem="Thousands of relief claims waiting.")
    return profile


def test_the_shipped_vocabulary_is_loaded():
    assert SearchVocabulary.objects.count() >= 40
    assert any("nndr" in idea and "business rates" in idea for idea in vocabulary_ideas())


def test_each_phrase_of_the_shipped_vocabulary_names_one_idea_only():
    from collections import Counter

    from talentpool.reference import vocabulary_rows

    counts = Counter(phrase for row in vocabulary_rows() for phrase in row)
    assert [phrase for phrase, n in counts.items() if n > 1] == []
    assert all(len(row) >= 2 for row in vocabulary_rows())


def test_no_two_ideas_of_the_shipped_vocabulary_search_for_the_same_words():
    """As PostgreSQL's English stemming reads them: "dumping" in one idea and "dump" in another would make
    each find the other's profiles. Two are known and kept: "parks" (green spaces) and "parking" are both
    'park', and "in cab" (in-cab devices) and "cabs" (taxis) both 'cab'."""
    from django.db import connection

    from talentpool.reference import vocabulary_rows

    rows = vocabulary_rows()
    phrases = [phrase for row in rows for phrase in row]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phraseto_tsquery('english', p)::text FROM unnest(%s::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n",
            [phrases],
        )
        queries = iter(text for (text,) in cursor.fetchall())
    ideas_of: dict[str, set[int]] = {}
    for i, row in enumerate(rows):
        for _phrase in row:
            ideas_of.setdefault(next(queries), set()).add(i)
    shared = sorted(q for q, ideas in ideas_of.items() if len(ideas) > 1 and q)
    assert shared == ["'cab'", "'park'"]


def test_a_grown_seed_adds_its_new_ideas_and_keeps_what_staff_changed():
    """As migrations 0012 and 0021 bring a grown seed vocabulary into a database that already keeps one."""
    from talentpool.reference import vocabulary_grow

    food = SearchVocabulary.objects.get(phrases__contains=["food caddy"])
    food.delete()  # a new idea of the seed, not yet in an older database
    telecare = SearchVocabulary.objects.get(phrases__contains=["telecare"])
    telecare.phrases = ["telecare", "pendant alarms", "lifeline"]  # staff dropped some phrases, added one
    telecare.save()
    assert vocabulary_grow(SearchVocabulary) == 1
    assert SearchVocabulary.objects.filter(phrases__contains=["food caddy", "food waste"]).count() == 1
    telecare.refresh_from_db()
    assert "lifeline" in telecare.phrases  # staff's own phrase kept
    assert "careline" in telecare.phrases  # the seed's phrase back (a migration brings the seed in once)
    assert vocabulary_grow(SearchVocabulary) == 0  # run again: nothing more


def test_a_paraphrase_finds_the_profile_written_in_other_words(viewer, fly_tipping, business_rates):
    assert names(viewer, q="illegal dumping CCTV") == ["Fay Fly"]
    assert names(viewer, q="fly tipping") == ["Fay Fly"]


def test_an_abbreviation_finds_the_words_it_stands_for(viewer, fly_tipping, business_rates):
    assert names(viewer, q="NNDR relief") == ["Ray Rates"]
    assert names(viewer, q="nndr") == ["Ray Rates"]


def test_a_partial_match_ranks_below_a_full_one(viewer, other_council, business_rates):
    both = specialist_profile(other_council, full_name="Pat Parking", headline="Parking and business rates")
    add_project(both, "Car park business rates appeal", problem="Rates on council car parks.")
    assert names(viewer, q="business rates parking") == ["Pat Parking", "Ray Rates"]


def test_a_phrase_names_its_idea_in_the_singular_or_the_plural():
    def idea_of(text):
        named, _rest = ideas_named(text)
        return named[0] if named else ()

    assert "pensioners" in idea_of("a pensioner's contributions")
    assert "cigarettes" in idea_of("cigarette cessation clinics")
    assert "libraries" in idea_of("staffless library opening")
    assert "houses in multiple occupation" in idea_of("house in multiple occupations")
    assert "debt recovery" in idea_of("debt recoveries")  # -y, read as -ies
    assert idea_of("bus pas") == ()  # "pass" ends in s but is no plural: "pas" does not name "bus pass"


def test_a_vocabulary_phrase_nobody_uses_still_finds_its_words(viewer, other_council):
    """ "home help" names the home care idea, whose phrases no profile here uses: its words still find one."""
    helper = specialist_profile(other_council, full_name="Hal Helps", headline="Adult services lead")
    add_project(helper, "Help for people to stay safe at home", problem="Falls after hospital discharge.")
    assert names(viewer, q="home help") == ["Hal Helps"]
    assert names(viewer, q="pensioner contributions for home help") == ["Hal Helps"]


def test_a_vocabulary_phrase_finds_whoever_one_of_its_words_would(viewer, other_council):
    """A phrase in the vocabulary never leaves a search with fewer results than its words had: "home help"
    also finds a profile using "help" alone, after one using both words, and both after one using a phrase
    of the idea."""
    both = specialist_profile(other_council, full_name="Hal Helps", headline="Adult services lead")
    add_project(both, "Help for people to stay safe at home", problem="Falls after hospital discharge.")
    one = specialist_profile(other_council, full_name="Di Desk", headline="IT manager")
    add_project(one, "Service desk", problem="Nobody could get help with passwords.")
    specialist_profile(other_council, full_name="Cara Care", headline="Domiciliary care commissioner")
    assert names(viewer, q="home help") == ["Cara Care", "Hal Helps", "Di Desk"]


def test_a_word_nobody_has_does_not_empty_the_results(viewer, fly_tipping, business_rates):
    assert names(viewer, q="fly-tipping dashcam") == ["Fay Fly"]
    assert names(viewer, q="zebra") == []


def test_staff_changes_to_the_vocabulary_apply_at_once(viewer, business_rates):
    assert names(viewer, q="levy") == []
    SearchVocabulary.objects.create(phrases=["levy", "business rates"])
    assert names(viewer, q="levy") == ["Ray Rates"]


def test_a_vocabulary_read_before_the_change_commits_is_forgotten_when_it_does(
    viewer, business_rates, django_capture_on_commit_callbacks
):
    """Another process searching between the change and its commit reads the old rows into the shared
    cache; the commit forgets them again."""
    from django.core.cache import cache

    from talentpool.vocabulary import CACHE_KEY, _vocabulary_read, search_memory_forget

    with django_capture_on_commit_callbacks(execute=True):
        SearchVocabulary.objects.create(phrases=["levy", "business rates"])
        stale = _vocabulary_read()
        stale["ideas"] = [idea for idea in stale["ideas"] if "levy" not in idea]
        cache.set(CACHE_KEY, stale, 300)  # as the other process would, from rows not yet committed
        search_memory_forget()
    assert names(viewer, q="levy") == ["Ray Rates"]


def test_a_phrase_is_read_as_whole_words():
    """ "hb" (housing benefit) must not fire inside "hbx", nor "ta" inside "data"; the longer idea wins."""
    assert ideas_named("hbx tables") == ([], "hbx tables")
    assert ideas_named("data") == ([], "data")
    named, rest = ideas_named("TA placements for council tax reduction")
    assert rest == "placements for"
    assert {"temporary accommodation", "council tax reduction"} <= {phrase for idea in named for phrase in idea}
    assert not any("ctax" in idea for idea in named)  # "council tax reduction" was read, not "council tax"


def test_a_search_that_finds_nobody_is_kept_without_who_searched(client, viewer, fly_tipping):
    client.force_login(viewer)
    client.get(reverse("talentpool:search"), {"q": "  zebra   crossings ", "nation": "Wales"})
    client.get(reverse("talentpool:search"), {"q": "fly tipping"})  # found someone: not kept
    kept = SearchWithoutResults.objects.get()
    assert (kept.words, kept.filters["nation"]) == ("zebra crossings", "Wales")
    row = {f.name: getattr(kept, f.name) for f in SearchWithoutResults._meta.fields}
    assert not any(str(viewer.pk) == str(v) or viewer.email in str(v) for k, v in row.items() if k != "id")
    assert set(row) == {"id", "words", "filters", "at"}  # no column could hold the person


def test_the_vocabulary_admin_refuses_a_lone_phrase_and_tidies_the_rest(admin_client):
    url = reverse("admin:talentpool_searchvocabulary_add")
    idea = SearchVocabulary.objects.get(phrases__contains=["temporary accommodation"])
    change = admin_client.get(reverse("admin:talentpool_searchvocabulary_change", args=[idea.pk])).content.decode()
    box = re.search(r'<textarea name="phrases"[^>]*>(.*?)</textarea>', change, re.S)
    assert box, "an idea's dozen phrases all in view, not a one-line box"
    assert set(box.group(1).strip().split(",")) == set(idea.phrases)
    refused = admin_client.post(url, {"phrases": "asb"})
    assert "Enter at least two phrases" in refused.content.decode()
    admin_client.post(url, {"phrases": " Zebra Crossing ,pedestrian   crossing,zebra crossing"})
    assert SearchVocabulary.objects.filter(phrases=["pedestrian crossing", "zebra crossing"]).exists()


def test_a_typo_finds_the_word_meant_and_the_page_says_so(client, viewer, fly_tipping, business_rates):
    assert names(viewer, q="enforcment") == ["Fay Fly"]  # the headline says "enforcement"
    assert corrections("fly tiping enforcment") == {"tiping": "tipping", "enforcment": "enforcement"}
    client.force_login(viewer)
    page = client.get(reverse("talentpool:search"), {"q": "Enforcment", "nation": ""}).content.decode()
    assert "Did you mean" in page
    assert ">Enforcement</a>" in page or ">enforcement</a>" in page


def test_a_word_close_to_nothing_gets_no_suggestion(client, viewer, fly_tipping):
    assert corrections("zzyzx") == {}
    client.force_login(viewer)
    assert "Did you mean" not in client.get(reverse("talentpool:search"), {"q": "zzyzx"}).content.decode()


def test_words_of_a_new_profile_are_known_at_once(viewer, other_council):
    assert corrections("mortuary") == {}  # nothing close yet... or nothing at all
    specialist_profile(other_council, full_name="Mo Mortuary", headline="Mortuary manager")
    assert "mortuary" in search_words()
    assert names(viewer, q="mortuery") == ["Mo Mortuary"]


def test_the_words_are_rebuilt_in_one_statement_for_data_loaded_in_bulk(fly_tipping):
    from talentpool.models import SearchWord
    from talentpool.services import search_words_rebuild

    SearchWord.objects.all().delete()
    assert search_words_rebuild() == SearchWord.objects.count()
    assert {"tackling", "hotspots", "cameras", "enforcement"} <= set(SearchWord.objects.values_list("word", flat=True))
    assert not SearchWord.objects.filter(word__in=["the", "fly", "in"]).exists()  # under four letters


def test_a_result_marks_the_words_of_its_past_project_that_matched(client, viewer, other_council, fly_tipping):
    odd = specialist_profile(other_council, full_name="Olga Odd", headline="Waste officer")
    add_project(odd, "<b>Cameras</b> & bins", problem="Markup in a title must stay text.")
    client.force_login(viewer)
    page = client.get(reverse("talentpool:search"), {"q": "cameras"}).content.decode()
    assert "Tackling fly-tipping hotspots with <mark>cameras</mark>" in page
    assert "&lt;b&gt;<mark>Cameras</mark>&lt;/b&gt; &amp; bins" in page
    assert "<b>Cameras</b>" not in page


def test_the_vocabulary_works_both_ways(viewer, other_council, business_rates):
    """A profile written with the abbreviation is found by the words it stands for, as the other way round."""
    nndr = specialist_profile(other_council, full_name="Nia Nndr", headline="NNDR billing lead")
    assert set(names(viewer, q="business rates")) == {"Ray Rates", "Nia Nndr"}
    assert set(names(viewer, q="non-domestic rates")) == {"Ray Rates", "Nia Nndr"}
    assert nndr.pk


def test_a_typo_is_corrected_before_the_vocabulary_is_read(viewer, other_council):
    dfg = specialist_profile(other_council, full_name="Dee Grant", headline="Home improvement agency lead")
    add_project(dfg, "Cutting waiting times for adaptations", problem="A DFG took a year from referral.")
    other = specialist_profile(other_council, full_name="Gus Grant", headline="Grant funding officer")
    add_project(other, "Facilities for community groups", problem="Disabled access to halls was poor.")
    # "facilites" is read as "facilities", so "disabled facilities grant" is the vocabulary's DFG idea
    assert names(viewer, q="disabled facilites grant")[0] == "Dee Grant"
    assert other.pk


def test_a_sentences_subject_counts_more_than_its_everyday_words(viewer, other_council, fly_tipping):
    """ "keep", "people", "would" carry the sentence; the profile sharing its subject comes first."""
    chatty = specialist_profile(other_council, full_name="Chris Chatty", headline="People keep asking what would help")
    add_project(chatty, "Helping people keep going", problem="People would keep waiting.")
    assert names(viewer, q="people keep dumping rubbish, what would help")[0] == "Fay Fly"
    assert chatty.pk


def test_an_idea_is_searched_without_the_phrases_its_single_words_already_find(viewer, other_council):
    """ "parking" finds whatever "car parks" would (both stem to 'park'): the idea is searched as one word,
    which PostgreSQL answers from its index without re-reading every match. The results are the same."""
    from talentpool.vocabulary import _matching_phrases

    matching = _matching_phrases([("resident parking", "parking permits", "car parks", "parking")])
    assert matching == {("resident parking", "parking permits", "car parks", "parking"): ("parking",)}
    grants = ("disabled facilities grants", "disabled facilities grant", "dfg")
    assert set(_matching_phrases([grants])[grants]) == {"dfg", "disabled facilities grant"}  # one stem, once
    specialist_profile(other_council, full_name="Cara Parks", headline="Manager of the council's car parks")
    assert names(viewer, q="parking") == ["Cara Parks"]


def test_how_many_profiles_use_a_word_is_counted_once_and_shared(viewer, other_council):
    """Another process (nothing remembered locally) reads the counts from the shared cache, without a
    statement; the pool's size expiring alone is read again without upsetting the words' counts."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from talentpool.vocabulary import POOL_SIZE_KEY, search_idea_weights, search_memory_forget

    specialist_profile(other_council, full_name="Bea Bees", headline="Beekeeping adviser")
    first = search_idea_weights("beekeeping hives")
    assert 0.2 < first[0] < 1.0  # one profile uses the first word
    assert first[1] == 1.0  # and none the second
    search_memory_forget()
    with CaptureQueriesContext(connection) as queries:
        assert search_idea_weights("beekeeping hives") == first
    assert not [q for q in queries.captured_queries if "talentpool_searchterm" in q["sql"]]
    cache.delete(POOL_SIZE_KEY)
    search_memory_forget()
    assert search_idea_weights("beekeeping hives") == first


def test_a_word_of_english_no_profile_uses_is_not_corrected_to_one_that_does(client, viewer, other_council):
    """ "fitting" is not a misspelling of "gritting": searching for ramps to be fitted found road gritters."""
    gritter = specialist_profile(other_council, full_name="Greta Grit", headline="Winter service manager")
    add_project(gritter, "Gritting routes for icy pavements", problem="Salt ran out in cold snaps.")
    assert corrections("fitting ramps") == {}
    assert corrections("griting routes") == {"griting": "gritting"}  # a misspelling still is
    assert names(viewer, q="fitting") == []
    client.force_login(viewer)
    assert "Did you mean" not in client.get(reverse("talentpool:search"), {"q": "fitting"}).content.decode()


def test_british_spellings_count_as_words_of_english():
    from talentpool.reference import is_english

    british = ["behaviour", "organise", "organisations", "centre", "licence", "analysed", "neighbours", "travelled"]
    assert all(is_english(w) for w in [*british, "catalogue", "programme", "mould", "kerbs", "fitting", "nowhere"])
    typos = ["enforcment", "accomodation", "inspeciton", "crematorum", "tiping", "managre", "numbre", "expence"]
    assert not any(is_english(w) for w in [*typos, "electourate", "accellerating", "intollerance"])


def test_a_word_in_its_other_spelling_is_read_as_the_one_profiles_use(viewer, other_council):
    """PostgreSQL's English stemmer keeps "organization" and "organisation" apart."""
    charity = specialist_profile(other_council, full_name="Orla Org", headline="Voluntary organisations lead")
    add_project(charity, "Grants programme for organisations", problem="Small groups missed out.")
    assert corrections("organization program") == {"organization": "organisations", "program": "programme"}
    assert names(viewer, q="voluntary organization") == ["Orla Org"]


def test_an_abbreviation_kept_in_capitals_names_its_idea_only_in_capitals(viewer, other_council):
    """ "SEND" is special educational needs; "send them a letter" is not."""
    named, rest = ideas_named("SEND transport")
    assert any("special educational needs" in idea for idea in named)
    assert rest == "transport"
    named, rest = ideas_named("we send them letters")
    assert not any("special educational needs" in idea for idea in named)
    assert "send" in rest.split()
    needs = specialist_profile(other_council, full_name="Sen Needs", headline="Special educational needs lead")
    add_project(needs, "EHCP backlog", problem="Plans late.")
    post = specialist_profile(other_council, full_name="Pat Post", headline="Print and post manager")
    add_project(post, "We send fewer letters", problem="Postage costs rose.")
    assert names(viewer, q="SEND")[0] == "Sen Needs"
    assert names(viewer, q="send") == ["Pat Post"]


def test_the_vocabulary_admin_keeps_in_capitals_only_an_abbreviation_that_is_also_a_word(admin_client):
    url = reverse("admin:talentpool_searchvocabulary_add")
    admin_client.post(url, {"phrases": "SEN, Special Needs Support"})  # "sen" is a word: kept in capitals
    assert SearchVocabulary.objects.filter(phrases=["SEN", "special needs support"]).exists()
    admin_client.post(url, {"phrases": "HMOs, Shared Houses"})  # no word: lower case, named however typed
    assert SearchVocabulary.objects.filter(phrases=["hmos", "shared houses"]).exists()
    refused = admin_client.post(url, {"phrases": "SEND, send, special needs"})
    assert "SEND is here in capitals and in lower case" in refused.content.decode()
    assert not SearchVocabulary.objects.filter(phrases__contains=["special needs"]).exists()


def test_a_misspelt_abbreviation_is_read_in_the_capitals_it_was_typed_in(viewer, other_council):
    needs = specialist_profile(other_council, full_name="Sen Needs", headline="Special educational needs lead")
    add_project(needs, "We send plans on time", problem="Plans late.")
    assert _corrected("SENDD transport") == "SEND transport"
    named, _rest = ideas_named(_corrected("SENDD transport"))
    assert any("special educational needs" in idea for idea in named)


def test_a_migration_brings_capitals_and_retires_everyday_words_keeping_what_staff_changed():
    """As migration 0024 does: the kept "send" becomes "SEND"; an everyday word leaves its idea unless the
    idea would be left with one phrase."""
    from talentpool.reference import vocabulary_capitalise, vocabulary_retire

    needs = SearchVocabulary.objects.get(phrases__contains=["special educational needs"])
    needs.phrases = [p.lower() for p in needs.phrases] + ["sen support"]  # as kept before 0024, staff's own
    needs.save()
    post = SearchVocabulary.objects.create(phrases=["send", "post out"])  # staff's own idea: not touched
    assert vocabulary_capitalise(SearchVocabulary) == 1
    needs.refresh_from_db()
    post.refresh_from_db()
    assert post.phrases == ["send", "post out"]
    assert "SEND" in needs.phrases
    assert "send" not in needs.phrases
    assert "sen support" in needs.phrases
    pair = SearchVocabulary.objects.create(phrases=["zebra crossing", "claims"])
    insurance = SearchVocabulary.objects.create(phrases=["motor insurance", "car insurance", "claims desk"])
    assert vocabulary_retire(SearchVocabulary, ["claims", "claims desk"]) == 1
    pair.refresh_from_db()
    insurance.refresh_from_db()
    assert pair.phrases == ["zebra crossing", "claims"]  # one phrase would be left: kept as it is
    assert insurance.phrases == ["motor insurance", "car insurance"]
