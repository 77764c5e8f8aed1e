"""Search: each filter, ranking, own council excluded, unlisted profiles never shown, constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.postgres import extension_installed
from councils import services as council_services
from councils.models import CouncilStatus, Nation
from talentpool import approval, selectors, services, weekly_hours
from talentpool.models import SearchTerm, ServiceArea, Skill, SlotStatus, SpecialistProfile, WeekSlot
from talentpool.selectors import SearchParams, specialist_search, specialist_search_ranked
from talentpool.services import profile_search_index, search_vectors_write
from talentpool.vocabulary import search_words, vocabulary_ideas
from talentpool.weeks import first_future_monday
from tests.factories import ActiveCouncilFactory, UserFactory, force_fields, specialist_profile

pytestmark = pytest.mark.django_db

NEXT = first_future_monday(timezone.localdate())


def names(viewer, **params):
    return [p.user.full_name for p in specialist_search(viewer=viewer, params=SearchParams(**params))]


def add_project(profile, title, problem="A problem.", **extra):
    fields = {
        "title": title,
        "problem": problem,
        "what_i_did": "Work.",
        "outcome": "Done.",
        "year": 2024,
    } | extra
    return services.past_project_save(profile=profile, by=profile.user, **fields)


@pytest.fixture
def viewer(council):
    return UserFactory(council=council, roles=["booking_officer"], email="viewer@alphaton.gov.uk")


@pytest.fixture
def wales(db):
    return ActiveCouncilFactory(
        code="CRF",
        name="Cardiff Council",
        short_name="Cardiff",
        slug="cardiff",
        nation=Nation.WALES,
        region="Wales",
    )


def test_a_past_project_title_match_ranks_above_a_passing_mention(viewer, other_council):
    mention = specialist_profile(other_council, full_name="Mo Mention", summary="I once sat near a council tax reform.")
    titled = specialist_profile(other_council, full_name="Tia Title")
    add_project(titled, "Council tax reform for 90,000 households")
    add_project(mention, "Parking permits", problem="Unrelated to council tax, mostly parking.")
    assert names(viewer, q="council tax reform") == ["Tia Title", "Mo Mention"]
    results = list(specialist_search(viewer=viewer, params=SearchParams(q="council tax reform")))
    assert [p.title for p in results[0].matching_projects] == ["Council tax reform for 90,000 households"]


def test_a_word_many_profiles_use_counts_less_than_a_rare_one(viewer, other_council):
    """Each profile uses one word of the search; the common word where it weighs most (the headline), the
    rare one in the summary. The rare word tells more about the search, so its profile comes first."""
    for i in range(30):
        specialist_profile(other_council, full_name=f"Draft {i}", headline="Support for families", approve=False)
    specialist_profile(other_council, full_name="Fran Families", headline="Families support lead")
    specialist_profile(other_council, full_name="Bea Bees", summary="I set up beekeeping on our office roofs.")
    assert names(viewer, q="families beekeeping") == ["Bea Bees", "Fran Families"]
    assert names(viewer, q="families") == ["Fran Families"]


def test_stemming_finds_related_words(viewer, other_council):
    profile = specialist_profile(other_council, full_name="Stem Person")
    add_project(profile, "Redesigning housing repairs")
    assert names(viewer, q="redesign repair") == ["Stem Person"]
    assert names(viewer, q="zebra") == []


def test_own_councils_staff_are_not_shown(viewer, council, other_council):
    specialist_profile(council, full_name="Colleague")
    specialist_profile(other_council, full_name="Outsider")
    assert names(viewer) == ["Outsider"]


def test_unlisted_profiles_never_appear(viewer, other_council, staff):
    specialist_profile(other_council, full_name="Listed")
    specialist_profile(other_council, full_name="Draft", approve=False)
    submitted = specialist_profile(other_council, full_name="Submitted", approve=False)
    approval.profile_submit(profile=submitted, by=submitted.user)
    withdrawn = specialist_profile(other_council, full_name="Withdrawn")
    approver = UserFactory(council=other_council, roles=["approver"])
    approval.profile_withdraw(profile=withdrawn, by=approver, reason="Busy")
    ended = specialist_profile(other_council, full_name="Ended")
    ended.approval_ends_on = timezone.localdate() - timedelta(days=1)
    ended.save()
    assert names(viewer) == ["Listed"]
    council_services.council_suspend(council=other_council, by=staff, reason="Audit")
    assert names(viewer) == []


def test_a_council_on_an_old_agreement_is_not_listed(viewer, other_council):
    specialist_profile(other_council, full_name="Listed")
    council_services.agreement_publish(title="v2", body="New terms")
    assert names(viewer) == []


def test_a_result_lists_its_projects_in_the_service_area_asked_for_newest_first(viewer, other_council):
    """Without words, the projects shown are those in the service area filtered on (none marked); with no
    words and no area, none."""
    area, other_area = ServiceArea.objects.order_by("code")[:2]
    profile = specialist_profile(other_council, full_name="Ava Area")
    add_project(profile, "Older project in the area", service_area=area, year=2019)
    add_project(profile, "Newer project in the area", service_area=area, year=2024)
    add_project(profile, "Project elsewhere", service_area=other_area, year=2025)
    (result,) = specialist_search(viewer=viewer, params=SearchParams(service_area=area.code))
    assert [(p.title, p.title_marked, p.year) for p in result.matching_projects] == [
        ("Newer project in the area", None, 2024),
        ("Older project in the area", None, 2019),
    ]
    (result,) = specialist_search(viewer=viewer, params=SearchParams())
    assert result.matching_projects == []


def test_filters_by_skill_service_area_and_lgdss_point(viewer, other_council):
    research = Skill.objects.get(key="user research")
    area = ServiceArea.objects.order_by("code").first()
    a = specialist_profile(other_council, full_name="Alpha")
    services.profile_save(user=a.user, headline=a.headline, summary=a.summary, skills=[research], lgdss_points=[1, 3])
    b = specialist_profile(other_council, full_name="Beta")
    add_project(b, "Something", service_area=area)
    assert names(viewer, skill=research.pk) == ["Alpha"]
    assert names(viewer, lgdss=3) == ["Alpha"]
    assert names(viewer, lgdss=2) == []
    assert names(viewer, service_area=area.code) == ["Beta"]


def test_own_tags_are_normalised_into_one_skill(viewer, other_council, council):
    a = specialist_profile(other_council, full_name="Alpha")
    services.profile_save(user=a.user, headline="h", summary="s", own_tags="Housing Benefit,  housing   benefit")
    b = specialist_profile(council, full_name="Beta")
    services.profile_save(user=b.user, headline="h", summary="s", own_tags="housing benefit")
    assert Skill.objects.filter(key="housing benefit").count() == 1
    assert names(viewer, skill=Skill.objects.get(key="housing benefit").pk) == ["Alpha"]


def test_filters_by_nation_region_and_council(viewer, other_council, wales):
    specialist_profile(other_council, full_name="English")
    specialist_profile(wales, full_name="Welsh")
    assert names(viewer, nation="Wales") == ["Welsh"]
    assert names(viewer, region="South West") == ["English"]
    assert names(viewer, council="CRF") == ["Welsh"]


def test_filters_by_week_window_hours_and_rate_and_sorts(viewer, other_council, wales):
    early = specialist_profile(other_council, full_name="Early")
    late = specialist_profile(wales, full_name="Late")
    weekly_hours.pattern_set(profile=early, by=early.user, hours=Decimal("2"), starts_on=NEXT, ends_on=None)
    weekly_hours.pattern_set(
        profile=late, by=late.user, hours=Decimal("5"), starts_on=NEXT + timedelta(weeks=3), ends_on=None
    )
    finance_a = UserFactory(council=other_council, roles=["finance_officer"])
    finance_b = UserFactory(council=wales, roles=["finance_officer"])
    services.profile_rate_set(profile=early, by=finance_a, amount=Decimal("60"))
    services.profile_rate_set(profile=late, by=finance_b, amount=Decimal("40"))

    assert names(viewer, week=NEXT) == ["Early"]
    assert names(viewer, week=NEXT + timedelta(weeks=3)) == ["Early", "Late"]
    assert names(viewer, within_weeks=2) == ["Early"]
    assert names(viewer, within_weeks=4) == ["Early", "Late"]
    assert names(viewer, min_hours=Decimal("3")) == ["Late"]
    assert names(viewer, week=NEXT + timedelta(weeks=3), min_hours=Decimal("3")) == ["Late"]
    assert names(viewer, max_rate=Decimal("50")) == ["Late"]
    assert names(viewer, sort="soonest") == ["Early", "Late"]
    assert names(viewer, sort="rate") == ["Late", "Early"]

    force_fields(WeekSlot.objects.filter(profile=early, week_start=NEXT), status=SlotStatus.BOOKED)
    assert names(viewer, week=NEXT) == []
    assert names(viewer, within_weeks=1) == []
    assert names(viewer, week=NEXT + timedelta(weeks=40)) == []  # beyond the bookable window

    # an open week after the employer's permission ends is not offered
    force_fields(late, approval_ends_on=NEXT + timedelta(weeks=2))
    assert names(viewer, week=NEXT + timedelta(weeks=3)) == ["Early"]
    assert names(viewer, within_weeks=4) == ["Early"]
    force_fields(late, approval_ends_on=NEXT + timedelta(weeks=3))
    assert names(viewer, within_weeks=4) == ["Early", "Late"]
    results = specialist_search(viewer=viewer, params=SearchParams(sort="soonest"))
    assert results[0].shown_weeks[:1] == [NEXT + timedelta(weeks=1)]


def test_queries_per_search_do_not_grow_with_results(viewer, other_council, django_assert_max_num_queries):
    def run():
        results = list(specialist_search(viewer=viewer, params=SearchParams(q="digital")))
        for profile in results:
            _ = (profile.council.name, profile.user.full_name, profile.matching_projects, profile.shown_weeks)
        return len(results)

    one = specialist_profile(other_council, full_name="One", headline="Digital lead")
    add_project(one, "Digital front door")
    vocabulary_ideas(), search_words(), extension_installed("rum")  # each read once a process every few minutes
    with django_assert_max_num_queries(3):
        assert run() == 1
    for i in range(12):
        p = specialist_profile(other_council, full_name=f"Many {i}", headline="Digital lead")
        add_project(p, f"Digital project {i}")
    with django_assert_max_num_queries(3):
        assert run() == 13


def test_unknown_council_status_is_not_listed(viewer, other_council):
    specialist_profile(other_council, full_name="Listed")
    force_fields(other_council, status=CouncilStatus.ONBOARDING)
    assert names(viewer) == []


def test_a_project_added_through_a_prefetched_profile_is_searchable(viewer, other_council):
    from talentpool.selectors import profile_detail

    profile = specialist_profile(other_council, full_name="Pre Fetched")
    prefetched = profile_detail(pk=profile.pk)
    _ = list(prefetched.past_projects.all())  # the page has already read the (empty) list
    add_project(prefetched, "Garden waste subscriptions")
    assert names(viewer, q="garden waste") == ["Pre Fetched"]


def test_more_than_the_cap_says_so_and_pages_reach_only_the_best(viewer, other_council, monkeypatch):
    from talentpool import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for i in range(5):
        specialist_profile(other_council, full_name=f"Match {i}", headline="Digital lead")
    paginator = selectors.SearchPaginator(viewer=viewer, params=SearchParams(q="digital"), per_page=2)
    assert (paginator.matches, paginator.count, paginator.more_than_cap, paginator.num_pages) == (4, 3, True, 2)
    shown = [p.user.full_name for n in (1, 2) for p in paginator.page(n)]
    assert len(shown) == 3
    assert shown == names(viewer, q="digital")[:3]


def test_a_word_in_a_past_projects_problem_counts_more_than_in_the_summary(viewer, other_council):
    in_summary = specialist_profile(other_council, full_name="Sam Summary", headline="Officer")
    in_summary.summary = "I have worked on safeguarding."
    in_summary.save()
    profile_search_index(profile=in_summary)
    in_problem = specialist_profile(other_council, full_name="Pip Problem", headline="Officer")
    add_project(in_problem, "A review", problem="Safeguarding referrals were lost.")
    assert names(viewer, q="safeguarding") == ["Pip Problem", "Sam Summary"]


def test_search_terms_follow_every_change_of_a_search_vector(other_council):
    """Kept by database triggers: a profile saved, its project added, a bulk rewrite, an erasure."""
    profile = specialist_profile(other_council, full_name="Tess Terms", headline="Parking lead")

    def terms():
        return dict(SearchTerm.objects.filter(profile=profile).values_list("lexeme", "score"))

    assert terms()["park"] == pytest.approx(1.0)  # a headline word: weight A
    add_project(profile, "Parking permits online", problem="Parking queues at the counter.")
    assert terms()["park"] == pytest.approx(1.0 + 1.0 + 0.4)  # headline, a title, a problem
    SpecialistProfile.objects.filter(pk=profile.pk).update(search_vector=None)  # as an erasure does
    assert terms() == {}
    search_vectors_write(missing_only=True)  # the bulk statement of loaded data
    assert terms()["permit"] == pytest.approx(1.0)


def test_a_common_word_is_ranked_in_two_stages_with_the_same_best_results(viewer, other_council, monkeypatch):
    """More than COUNT_CAP matches: only the best candidates per word are ranked, and each page is the same
    as when every match is ranked."""
    for i in range(8):
        p = specialist_profile(other_council, full_name=f"Digital {i}", headline="Officer")
        add_project(p, " ".join(["Digital"] * (i % 4 + 1)) + f" project {i}", problem="Digital work.")
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    exact = list(specialist_search_ranked(viewer=viewer, params=SearchParams(q="digital")).values_list("pk", flat=True))
    paginator = selectors.SearchPaginator(viewer=viewer, params=SearchParams(q="digital"), per_page=2)
    assert paginator.more_than_cap
    assert [p.pk for p in paginator.page(1).object_list] == exact[:2]
    assert [p.pk for p in paginator.page(3).object_list] == exact[4:5]


def test_a_sentence_in_two_stages_finds_the_answer_through_the_word_only_it_uses(viewer, other_council, monkeypatch):
    """More than COUNT_CAP match a sentence: each word brings only its best few candidates (CANDIDATES shared
    among the words), so the common words bring two each here. The one profile covering every word is still
    found, first, through the word only it uses; and the page comes from those candidates (one ranking
    statement, reading the word index), not from ranking every match after the first stage came up short."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(4):
        p = specialist_profile(other_council, full_name=f"Digital {i}", headline="Digital officer")
        add_project(p, f"Digital parking project {i}", problem="Digital parking services.")
    answer = specialist_profile(other_council, full_name="Pat Permits", headline="Officer")
    add_project(answer, "Resident permits", problem="Digital parking permits for residents.")
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    monkeypatch.setattr(selectors, "CANDIDATES", 8)
    params = SearchParams(q="we need digital parking permits")
    paginator = selectors.SearchPaginator(viewer=viewer, params=params, per_page=1)
    assert paginator.more_than_cap
    with CaptureQueriesContext(connection) as queries:
        first = paginator.page(1).object_list
    assert [p.pk for p in first] == [answer.pk]
    ranking = [q["sql"] for q in queries.captured_queries if "ts_rank" in q["sql"]]
    assert len(ranking) == 1
    assert "talentpool_searchterm" in ranking[0]
    exact = list(specialist_search_ranked(viewer=viewer, params=params).values_list("pk", flat=True))
    assert exact[0] == answer.pk


def test_the_first_pages_of_a_search_in_two_stages_rank_the_same_candidates(viewer, other_council, monkeypatch):
    """Each page of a search ranked in two stages ranks the same candidates (as long as CANDIDATES covers
    twice the page's end), so paging never shows someone twice: here the one profile covering both words
    uses each too little to be among its best four, and a second page reading more candidates than the
    first would have put it first there, pushing the first page's second result onto the second page."""
    for word in ("Digital", "Parking"):
        for i in range(4):
            p = specialist_profile(other_council, full_name=f"{word} {i}", headline=f"{word} officer", summary="Work.")
            add_project(p, f"{word} project {i}", problem="A problem.")
    specialist_profile(other_council, full_name="Both", headline="Officer", summary="Some digital and parking work.")
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    monkeypatch.setattr(selectors, "CANDIDATES", 8)
    params = SearchParams(q="digital parking")
    shown = []
    for number in (1, 2):
        paginator = selectors.SearchPaginator(viewer=viewer, params=params, per_page=2)
        assert paginator.more_than_cap
        shown += [p.user.full_name for p in paginator.page(number).object_list]
    assert len(shown) == 4
    assert len(set(shown)) == 4
    assert "Both" not in shown  # not among either word's best four


def test_a_search_with_few_matches_ranks_the_ids_it_counted_with_the_same_pages(viewer, other_council, wales):
    """No more than COUNT_CAP matches: the count reads their ids, and a page ranks those ids alone (no filter,
    join or word index again). Every page is the page of the whole ranking, filters included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(7):
        p = specialist_profile(other_council if i % 3 else wales, full_name=f"Digital {i}", headline="Officer")
        add_project(p, " ".join(["Digital"] * (i % 4 + 1)) + f" project {i}", problem="Digital case work.")
    for params in (SearchParams(q="digital case"), SearchParams(q="digital case", nation="Wales")):
        exact = list(specialist_search_ranked(viewer=viewer, params=params).values_list("pk", flat=True))
        assert len(exact) == (7 if not params.nation else 3)
        shown = []
        for number in (1, 2, 3, 4):
            paginator = selectors.SearchPaginator(viewer=viewer, params=params, per_page=2)
            assert paginator.count == len(exact)
            if (number - 1) * 2 >= len(exact):
                break
            with CaptureQueriesContext(connection) as queries:
                shown += [p.pk for p in paginator.page(number).object_list]
            ranking = [q["sql"] for q in queries.captured_queries if "ts_rank" in q["sql"]]
            assert len(ranking) == 1
            where = ranking[0].split("ORDER BY")[0].split("WHERE", 1)[1]
            assert "@@" not in where
            assert "JOIN" not in ranking[0]
        assert shown == exact


def test_a_skill_bounds_a_common_word_so_every_match_is_ranked_once_counted(viewer, other_council, monkeypatch):
    """More than COUNT_CAP match a common word, but a skill held by no more than RANK_ALL_BOUND profiles
    bounds them: the count reads every matching id, and each page ranks those ids alone (not the word's best
    candidates), so pages follow the exact ranking. Past the bound, the two stages again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    research = Skill.objects.get(key="user research")
    for i in range(7):
        p = specialist_profile(other_council, full_name=f"Digital {i}", headline="Officer")
        add_project(p, " ".join(["Digital"] * (i % 4 + 1)) + f" project {i}", problem="Digital case work.")
        if i != 3:
            services.profile_save(user=p.user, headline=p.headline, summary=p.summary, skills=[research])
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    params = SearchParams(q="digital", skill=research.pk)
    exact = list(specialist_search_ranked(viewer=viewer, params=params).values_list("pk", flat=True))
    assert len(exact) == 6

    def ranking(number, bound):
        monkeypatch.setattr(selectors, "RANK_ALL_BOUND", bound)
        paginator = selectors.SearchPaginator(viewer=viewer, params=params, per_page=2)
        assert (paginator.matches, paginator.count, paginator.more_than_cap) == (6 if bound >= 6 else 4, 3, True)
        with CaptureQueriesContext(connection) as queries:
            shown = [p.pk for p in paginator.page(number).object_list]
        (sql,) = [q["sql"] for q in queries.captured_queries if "ts_rank" in q["sql"]]
        return shown, sql

    first, sql = ranking(1, bound=6)
    second, _ = ranking(2, bound=6)
    assert first + second == exact[:3]
    assert "@@" not in sql.split("ORDER BY")[0].split("WHERE", 1)[1]  # the counted ids, not the word index
    _, sql = ranking(1, bound=5)
    assert "talentpool_searchterm" in sql  # more holders than the bound: the word's best candidates


def test_the_skills_filter_lists_standard_skills_and_own_tags_in_one_order(other_council):
    from talentpool.forms import search_filter_choices

    a = specialist_profile(other_council, full_name="Alpha")
    services.profile_save(user=a.user, headline="h", summary="s", own_tags="aardvark handling, Zoning")
    names_listed = [name for _pk, name in search_filter_choices()["skill"]]
    assert names_listed == sorted(names_listed, key=str.casefold)
    assert names_listed.index("aardvark handling") < names_listed.index("Zoning")


def _pages_and_counts(viewer, params, *, matches, pages=(1, 2)):
    """The names shown on `pages` (4 to a page), and whether each page asked for a count of its own.
    `matches`: what the paginator has counted (a count of its own stops at the cap + 1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shown, counted = [], []
    for number in pages:
        paginator = selectors.SearchPaginator(viewer=viewer, params=params, per_page=4)
        with CaptureQueriesContext(connection) as queries:
            page = paginator.get_page(str(number))  # as the search page asks
        counted.append(any(q["sql"].startswith("SELECT COUNT(*)") for q in queries.captured_queries))
        assert (paginator.matches, paginator.count, paginator.more_than_cap, paginator.num_pages) == (
            matches,
            6,
            True,
            2,
        )
        shown += [p.user.full_name for p in page]
    return shown, counted


def test_a_search_that_reads_every_match_gets_its_page_and_count_in_one_query(viewer, other_council, monkeypatch):
    """Ordered by a soonest week worked out for each profile (with a minimum of hours), the page's ids and
    the count come from one query (a window count); the count, the cap and every page are as before."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 6)
    for i in range(9):
        profile = specialist_profile(other_council, full_name=f"Week {i}", headline="Digital lead")
        weekly_hours.pattern_set(
            profile=profile, by=profile.user, hours=Decimal(1 + i % 3), starts_on=NEXT, ends_on=None
        )
    params = SearchParams(q="digital", sort="soonest", min_hours=Decimal("1"))
    expected = [p.user.full_name for p in specialist_search(viewer=viewer, params=params)]
    shown, counted = _pages_and_counts(viewer, params, matches=9)
    assert counted == [False, False]
    assert shown == expected[:6]  # the cap holds: page 2 stops at the sixth
    for asked, shown_on in (("3", 2), ("0", 2), ("-1", 2), ("abc", 1), (None, 1), ("2.5", 1)):
        other = selectors.SearchPaginator(viewer=viewer, params=params, per_page=4)
        page = other.get_page(asked)  # past the cap or the end: the last page; not a number: the first
        assert (page.number, [p.user.full_name for p in page]) == (shown_on, expected[(shown_on - 1) * 4 : 6][:4])
    empty = selectors.SearchPaginator(viewer=viewer, params=SearchParams(q="nothing-matches-this", sort="soonest"))
    assert (empty.get_page(1).object_list, empty.count) == ([], 0)


@pytest.mark.parametrize("sort", ["soonest", "rate"])
def test_a_search_ordered_from_an_index_is_counted_apart_and_pages_the_same(viewer, other_council, monkeypatch, sort):
    """Ordered by the stored soonest week or by rate, a page is read from an index (twenty profiles, not
    every match ordered) and the count is a query of its own, stopping past the cap: the pages are those
    of the whole ordered list, ties broken by the cheapest and then the oldest profile."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 6)
    finance = UserFactory(council=other_council, roles=["finance_officer"])
    profiles = []
    for i in range(9):
        profile = specialist_profile(other_council, full_name=f"Week {i}", headline="Digital lead")
        weekly_hours.pattern_set(
            profile=profile, by=profile.user, hours=Decimal(2), starts_on=NEXT + timedelta(weeks=i % 3), ends_on=None
        )
        services.profile_rate_set(profile=profile, by=finance, amount=Decimal(50 + 10 * (i % 2)))
        profiles.append(profile)
    params = SearchParams(q="digital", sort=sort)
    expected = [p.user.full_name for p in specialist_search(viewer=viewer, params=params)]
    key = (lambda i: (i % 3, i % 2, i)) if sort == "soonest" else (lambda i: (i % 2, i))
    assert expected == [f"Week {i}" for i in sorted(range(9), key=key)]
    shown, counted = _pages_and_counts(viewer, params, matches=7)
    assert counted == [True, True]
    assert shown == expected[:6]
