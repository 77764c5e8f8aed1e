"""The words officers search with: the search vocabulary (SearchVocabulary, kept by platform staff) turns
each idea named in a search into any of its phrases, so "illegal dumping CCTV" finds a profile that says
"fly-tipping cameras"."""

import functools
import hashlib
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection

from core.postgres import extension_installed

from .models import SearchVocabulary, SearchWord
from .reference import WORD, capitals_only, filler_words_listed, is_english, spelling_variants, vocabulary_phrase

T = TypeVar("T")

CACHE_KEY = "talentpool:search-vocabulary"
CACHE_SECONDS = 300  # a change in the admin clears it at once (talentpool.receivers); this is a backstop


def vocabulary_ideas() -> list[tuple[str, ...]]:
    """Every idea's phrases, longest phrases first within an idea, ideas with the longest phrase first
    (so "council tax reduction" is read before "council tax")."""
    return _vocabulary()["ideas"]


def _vocabulary() -> dict:
    """The ideas, and for each the phrases worth matching (_matching_phrases), read and worked out every few
    minutes into the shared cache, and held by the process for a few seconds (_remembered): a search asks
    for it four times or more, and each read from the shared cache unpickled its 24 kB again."""
    return _remembered("vocabulary", _vocabulary_shared)


def _vocabulary_shared() -> dict:
    vocabulary = cache.get(CACHE_KEY)
    if vocabulary is None:
        vocabulary = _vocabulary_read()
        cache.set(CACHE_KEY, vocabulary, CACHE_SECONDS)
    return vocabulary


def _vocabulary_read() -> dict:
    rows = SearchVocabulary.objects.values_list("phrases", flat=True)
    ideas = sorted(
        (tuple(sorted({vocabulary_phrase(p) for p in row if p.strip()}, key=len, reverse=True)) for row in rows),
        key=lambda idea: -len(idea[0]) if idea else 0,
    )
    return {"ideas": ideas, "matching": _matching_phrases(ideas)}


def search_vocabulary_refresh() -> None:
    """Work the vocabulary and the words profiles use out again now, in the shared cache: beat does, before
    they expire, so no search page waits for them (three queries on the page that would have)."""
    cache.set(CACHE_KEY, _vocabulary_read(), CACHE_SECONDS)
    cache.set(WORDS_KEY, frozenset(SearchWord.objects.values_list("word", flat=True)), CACHE_SECONDS)


def _matching_phrases(ideas: list[tuple[str, ...]]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each idea's phrases without those another one already finds: "parking" finds whatever "car parks"
    or "resident parking" would (the same stemmed word, 'park'), so the idea is searched as 'park' alone.
    Besides being shorter, a query without phrases needs no second look at each match's words (a common
    word's phrases made PostgreSQL re-read 12,000 search vectors: 53 ms against 23 ms). For finding the
    matches only: ranking still counts every phrase a profile uses."""
    phrases = sorted({p for idea in ideas for p in idea})
    if not phrases:
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT p, tsvector_to_array(to_tsvector('english', p)) FROM unnest(%s::text[]) AS p", [phrases])
        lexemes = {p: frozenset(words) for p, words in cursor.fetchall()}
    matching = {}
    for idea in ideas:
        singles = {w for p in idea if len(lexemes[p]) == 1 for w in lexemes[p]}
        kept: dict[frozenset[str], str] = {}
        for p in sorted(idea, key=len):
            words = lexemes[p]
            if words and (len(words) == 1 or not words & singles):
                kept.setdefault(words, p)
        matching[idea] = tuple(kept.values()) or idea
    return matching


def vocabulary_forget() -> None:
    cache.delete(CACHE_KEY)
    search_memory_forget()


WORDS_KEY = "talentpool:search-words"
SIMILAR_ENOUGH = 0.4  # trigram similarity of a typo to the word meant ("enforcment"/"enforcement": 0.62)


def search_words() -> frozenset[str]:
    """The words profiles use (worked out every few minutes; a new profile's words clear it), held by the
    process for a few seconds: every search asks which of its words are unknown, and unpickling tens of
    thousands of words from the shared cache each time cost more than the asking."""
    return _remembered("words", _search_words_read)


def _search_words_read() -> frozenset[str]:
    words = cache.get(WORDS_KEY)
    if words is None:
        words = frozenset(SearchWord.objects.values_list("word", flat=True))
        cache.set(WORDS_KEY, words, CACHE_SECONDS)
    return words


def search_words_forget() -> None:
    cache.delete(WORDS_KEY)
    search_memory_forget()


def search_words_learn(words: set[str]) -> None:
    """New words a profile uses, added to the kept set where it is cached (other processes read them afresh
    within a few minutes)."""
    known = cache.get(WORDS_KEY)
    if known is not None and not words <= known:
        cache.set(WORDS_KEY, known | words, CACHE_SECONDS)
    search_memory_forget()  # a word once unknown (and corrected) may now be one a profile uses


def corrections(text: str) -> dict[str, str]:
    """Each word of a search that no profile uses (four letters or more, outside the vocabulary), with the
    word meant that a profile does use: its other spelling, British or American ("organization":
    "organisation"), or, unless it is a word of English, the closest word if one is close ("tiping":
    "tipping"; pg_trgm, so none without it, as on the embedded development database). A word of English
    is not otherwise changed: "fitting" and "nowhere", which no profile happened to use, were read as
    "gritting" and "where", and the search went looking for road gritting."""
    named, rest = ideas_named(text)
    known = search_words()
    unknown = [w for w in dict.fromkeys(re.findall(WORD, rest)) if w not in known]
    respelt = {w: v for w in unknown if (v := next((v for v in spelling_variants(w) if v in known), None))}
    unknown = [w for w in unknown if w not in respelt and not is_english(w)]
    if not unknown or not extension_installed("pg_trgm"):
        return respelt
    key = "talentpool:corrections:" + hashlib.sha1(" ".join(unknown).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _closest_words(unknown)
        cache.set(key, found, CACHE_SECONDS)  # the results page and its "Did you mean" ask twice
    return respelt | found


def _closest_words(unknown: list[str]) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT typed.w, (SELECT s.word FROM talentpool_searchword s"
            " WHERE s.word %% typed.w AND similarity(s.word, typed.w) >= %s"
            " ORDER BY similarity(s.word, typed.w) DESC, s.word LIMIT 1)"
            " FROM unnest(%s::text[]) AS typed(w)",
            [SIMILAR_ENOUGH, unknown],
        )
        return {typed: meant for typed, meant in cursor.fetchall() if meant}


@functools.lru_cache(maxsize=4)
def _idea_patterns(ideas: tuple[tuple[str, ...], ...]) -> list[tuple[tuple[str, ...], re.Pattern[str]]]:
    """One compiled pattern per idea (any of its phrases, as whole words, in any case but for an abbreviation
    kept in capitals: talentpool.reference.vocabulary_phrase), made once per vocabulary: some 700 phrases
    would overflow the re module's own cache and be compiled again on every search."""
    return [
        (idea, re.compile(rf"(?<![\w-])(?:{'|'.join(map(_phrase_cased, idea))})(?![\w-])")) for idea in ideas if idea
    ]


def _phrase_cased(phrase: str) -> str:
    return _phrase_pattern(phrase) if capitals_only(phrase) else f"(?i:{_phrase_pattern(phrase)})"


def _phrase_pattern(phrase: str) -> str:
    """A phrase's pattern, its last word in the singular or the plural ("pensioner" names the idea whose
    phrase is "pensioners", "cigarettes" the one with "cigarette"), as the index reads both alike."""
    *first, last = phrase.split(" ")
    head = "".join(re.escape(word) + " " for word in first)
    if len(last) > 4 and last.endswith("ies"):
        return head + re.escape(last[:-3]) + "(?:y|ies)"
    if len(last) > 3 and last.endswith("y") and last[-2] not in "aeiou":
        return head + re.escape(last[:-1]) + "(?:y|ies)"
    if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")):
        return head + re.escape(last[:-1]) + "s?"
    if len(last) > 2 and last.isalpha():
        return head + re.escape(last) + "s?"
    return head + re.escape(last)


_PUNCTUATION = re.compile(r"[^\w\s'-]")
_SEARCH_SYNTAX = re.compile(r'"|(?:^|\s)-\w|\sor\s')  # quotes, "-word", "or": web search syntax


def ideas_named(text: str) -> tuple[list[tuple[str, ...]], str]:
    """The vocabulary ideas a search names (each phrase read as whole words, longer ideas first), and the
    words left over."""
    found, rest = _ideas_found(text)
    return [idea for idea, _typed in found], rest


def _ideas_found(text: str) -> tuple[list[tuple[tuple[str, ...], str]], str]:
    """Each vocabulary idea a search names with the phrase it was named by, and the words left over
    (remembered: a search page asks it of the same words for its corrections and its "Did you mean")."""
    return _remembered("found:" + text, lambda: _ideas_found_read(text))


def _ideas_found_read(text: str) -> tuple[list[tuple[tuple[str, ...], str]], str]:
    rest = f" {text} "
    found = []
    for idea, pattern in _idea_patterns(tuple(vocabulary_ideas())):
        match = pattern.search(rest)
        if match:
            found.append((idea, match.group(0).lower()))
            rest = pattern.sub(" ", rest)
    return found, " ".join(rest.split()).lower()


class ParsedQuery(SearchQuery):
    """A full-text query as PostgreSQL has parsed it, sent as its text in one parameter. A search's
    queries are parsed once, in one statement (_parsed), and every statement of its page then reads them
    so, instead of a tree of phraseto_tsquery calls that Django compiled (and PostgreSQL parsed) again in
    each: a vocabulary idea has up to a dozen phrases, and a page uses each idea five times. Combines with
    | and & as any SearchQuery (a subclass, so that a search vector's lookup takes it as it is)."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        return "%s::tsquery", [self.text]  # a list: the search lookup adds it to its own list


@dataclass(frozen=True)
class Idea:
    """One idea of a search: the phrases any of which matches it, the one typed, and whether it is the
    search's other words written with web search syntax (quotes, "or", "-word"), kept together as typed.
    `parsed`: any of its phrases (or, with web search syntax, the words as typed) as PostgreSQL parses the
    query; `parsed_match`: the same matches with as few phrases as find them (_matching_phrases), and the
    words of a loose idea (_parsed: every idea of a search is parsed before it is used). `weight`: see
    search_idea_weights."""

    phrases: tuple[str, ...]
    typed: str
    websearch: bool = False
    parsed: str = ""
    parsed_match: str = ""
    weight: float = 1.0  # how much it counts towards covering the search (_weighed)
    lexemes: tuple[str, ...] = ()  # every word its phrases can match, stemmed as the index has them

    @property
    def loose(self) -> bool:
        """Whether the idea was named by a phrase of several words ("home help"), which then also makes a
        result of a profile using any of its words (parsed_match; such a profile does not count as covering
        the idea, so it ranks below one using a phrase): a vocabulary idea none of whose phrases any profile
        uses would otherwise leave a search that names it with nobody, where its words alone find some. So
        a phrase added to the vocabulary never leaves a search with fewer results than its words had."""
        return not self.websearch and len(self.phrases) > 1 and len(self.typed.split()) > 1

    def parse_sql(self, *, fewest: bool = False) -> tuple[str, list[str]]:
        """The SQL of `parsed` (or, `fewest`, of `parsed_match`) for PostgreSQL to parse, and its parameters."""
        if self.websearch:
            return "websearch_to_tsquery('english'::regconfig, %s)", [self.typed]
        phrases = self.phrases
        if fewest and len(phrases) > 1:
            # without the phrases the others already find: the same matches, found from the index alone (for
            # filtering, not ranking, where every phrase a profile uses still counts)
            phrases = _vocabulary()["matching"].get(phrases, phrases)
        sql = ["phraseto_tsquery('english'::regconfig, %s)"] * len(phrases)
        params = list(phrases)
        if fewest and self.loose:  # any of its words, as they would be without the phrase
            words = self.typed.split()
            sql.extend(["plainto_tsquery('english'::regconfig, %s)"] * len(words))
            params.extend(words)
        return "(" + " || ".join(sql) + ")", params


def _parsed(ideas: list[Idea]) -> list[Idea]:
    """The ideas with their queries parsed by PostgreSQL, all in one statement."""
    if not ideas:
        return ideas
    sql: list[str] = []
    params: list[str] = []
    for idea in ideas:
        for fewest in (False, True):
            part_sql, part_params = idea.parse_sql(fewest=fewest)
            sql.append(f"({part_sql})::text")
            params.extend(part_params)
        sql.append("array_to_string(tsvector_to_array(to_tsvector('english'::regconfig, %s)), ' ')")
        params.append(" ".join(idea.phrases))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ARRAY[{', '.join(sql)}]", params)
        (texts,) = cursor.fetchone()
    return [
        replace(idea, parsed=texts[3 * i], parsed_match=texts[3 * i + 1], lexemes=tuple(texts[3 * i + 2].split()))
        for i, idea in enumerate(ideas)
    ]


_LOCAL_SECONDS = 10  # how long a process reuses what it worked out before asking the shared cache again
_local: dict[str, tuple[float, Any]] = {}


def search_memory_forget() -> None:
    """Forget the searches this process remembers (the vocabulary or the words profiles use changed)."""
    _local.clear()


def _remembered(key: str, work: Callable[[], T]) -> T:
    """What `work` gives, remembered by this process for a few seconds under `key` (cleared at once here by
    search_memory_forget, so a change made through this process shows at once; other processes see it
    within _LOCAL_SECONDS of finding it in the shared cache, and within three times that for what they
    worked out from something remembered: a search's ideas from the ideas its text names, those from the
    vocabulary)."""
    now = time.monotonic()
    remembered = _local.get(key)
    if remembered is not None and now - remembered[0] < _LOCAL_SECONDS:
        return remembered[1]
    if len(_local) > 256:
        _local.clear()
    value = work()
    _local[key] = (now, value)
    return value


def _ideas(text: str) -> list["Idea"]:
    """A search's ideas (_ideas_read), remembered by this process for a few seconds: one search page asks
    for them half a dozen times (count, ranking, weights, display, candidates)."""
    return _remembered("ideas:" + text, lambda: _ideas_read(text))


def _ideas_read(text: str) -> list["Idea"]:
    """A search's ideas, parsed (_parsed): each vocabulary idea it names and each other word. A word no
    profile uses is read as the closest one some profile does ("facilites" as "facilities"), before the
    vocabulary."""
    if _SEARCH_SYNTAX.search(f" {text.lower()} "):
        found, rest = _ideas_found(text)
        if rest and _SEARCH_SYNTAX.search(f" {rest} "):
            return _weighed(
                _parsed([*(Idea(idea, typed) for idea, typed in found), Idea((rest,), rest, websearch=True)])
            )
    else:
        found, rest = _ideas_found(_corrected(_PUNCTUATION.sub(" ", text)))
    words = (Idea((w,), w) for w in dict.fromkeys(rest.split()))
    return _weighed(_parsed([*(Idea(idea, typed) for idea, typed in found), *words]))


def _corrected(text: str) -> str:
    meant = corrections(text)
    if not meant:
        return text
    return re.sub(r"[A-Za-z]+", lambda m: _as_typed(m.group(0), meant.get(m.group(0).lower())), text)


def _as_typed(typed: str, meant: str | None) -> str:
    """The word meant in the capitals it was typed in ("SEDN": "SEND"), or the word typed."""
    if meant is None:
        return typed
    return meant.upper() if typed.isupper() and len(typed) > 1 else meant


def search_match(text: str) -> ParsedQuery | None:
    """What a profile must match to be a result of the search: any of its ideas (see Idea.parsed_match)."""
    ideas = _ideas(text)
    return _any_of([idea.parsed_match for idea in ideas]) if ideas else None


def search_any(text: str) -> ParsedQuery | None:
    """Any of the search's ideas, as one query: what a profile is ranked by (ts_rank) and a
    past project's words marked by."""
    ideas = _ideas(text)
    return _any_of([idea.parsed for idea in ideas]) if ideas else None


def _any_of(parsed: list[str]) -> ParsedQuery:
    """Any of these parsed queries, as one query's text: one parameter, where a tree of ORed queries was
    resolved and compiled by Django node by node in each statement of a page (an idea of stop words alone,
    parsed as nothing, is left out; with nothing else it matches nothing)."""
    return ParsedQuery(" | ".join(f"({query})" for query in parsed if query))


def search_has_ideas(text: str) -> bool:
    """Whether a search asks for anything (_ideas: each vocabulary idea it names, each other word), so is
    matched and ranked by its words."""
    return bool(_ideas(text))


def search_ideas_weighed(text: str) -> list[tuple[str, float]]:
    """Each of the search's ideas as its parsed query's text, with its weight (search_idea_weights),
    leaving out an idea of stop words alone ("what"), which matches nothing."""
    return [(idea.parsed, idea.weight) for idea in _ideas(text) if idea.parsed]


FILLER_WEIGHT = 0.2  # how much an everyday word counts towards covering a search, against 1 for a subject


@functools.lru_cache(maxsize=1)
def filler_words() -> frozenset[str]:
    """Everyday words that carry a sentence but not its subject (talentpool/data/filler_words.txt)."""
    return frozenset(filler_words_listed())


def search_idea_weights(text: str) -> list[float]:
    """How much each of the search's ideas (in _ideas' order) counts towards how much of the search a
    profile covers: 1 for a subject, FILLER_WEIGHT for an everyday word ("would", "keep", "people"), so a
    profile sharing a sentence's subject comes before one sharing only its filler; and a word typed as it
    is (not a vocabulary idea) counts less the more profiles use it (_word_weights): "families" or
    "system", which thousands of profiles use, tells less than "mattresses". Worked out with the ideas
    (_weighed), so that the two always go together."""
    return [idea.weight for idea in _ideas(text)]


def _weighed(ideas: list[Idea]) -> list[Idea]:
    filler = filler_words()
    lexemes = [_single_lexeme(idea) for idea in ideas]
    by_use = _word_weights([lexeme for lexeme in lexemes if lexeme])
    return [
        replace(
            idea,
            weight=FILLER_WEIGHT if len(idea.phrases) == 1 and idea.typed in filler else by_use.get(lexeme or "", 1.0),
        )
        for idea, lexeme in zip(ideas, lexemes, strict=True)
    ]


_ONE_LEXEME = re.compile(r"^'([^'\s]+)'$")


def _single_lexeme(idea: Idea) -> str | None:
    """The stemmed word of an idea that is one word typed as it is ("'famili'"), else None."""
    if idea.websearch or len(idea.phrases) != 1:
        return None
    match = _ONE_LEXEME.match(idea.parsed)
    return match.group(1) if match else None


COMMON_SHARE = 0.8  # how much of a typed word's weight it loses when every profile uses it
# a word's use is judged against a pool of at least this many profiles: in a small one, two using it is not common
POOL_AT_LEAST = 1000
WORD_USE_KEY = "talentpool:word-use:"  # + lexeme: how many profiles use it (SearchTerm), for CACHE_SECONDS
POOL_SIZE_KEY = "talentpool:pool-size"  # how many profiles there are, for CACHE_SECONDS


def _word_weights(lexemes: list[str]) -> dict[str, float]:
    """Each word's weight by how many profiles use it: 1 - COMMON_SHARE × log(1 + used) / log(1 + profiles),
    so a word nobody else uses keeps 1 and one every profile uses keeps 0.2, as an everyday word does
    (the pool counted as at least POOL_AT_LEAST profiles).
    Counts of profiles using a word (its SearchTerm rows, read from their index) are shared for a few
    minutes; one statement reads those not yet known. With 20,000 distractors it took hit@3 on the
    relevance set from 0.89 to 0.90 (benchmarks/README.md, relevance step 7)."""
    if not lexemes:
        return {}
    keys = [WORD_USE_KEY + lexeme for lexeme in lexemes]
    known = cache.get_many([*keys, POOL_SIZE_KEY])
    missing = [lexeme for lexeme, key in zip(lexemes, keys, strict=True) if key not in known]
    if missing or POOL_SIZE_KEY not in known:
        with connection.cursor() as cursor:
            cursor.execute(
                # the table's size as the planner estimates it (counting 20,000 wide rows took 11 ms)
                "SELECT (SELECT CASE WHEN reltuples >= 0 THEN reltuples::bigint"
                " ELSE (SELECT count(*) FROM talentpool_specialistprofile) END"
                " FROM pg_class WHERE oid = 'talentpool_specialistprofile'::regclass),"
                " array_agg((SELECT count(*) FROM talentpool_searchterm t WHERE t.lexeme = w.lexeme) ORDER BY w.n)"
                " FROM unnest(%s::text[]) WITH ORDINALITY AS w(lexeme, n)",
                [missing],
            )
            profiles, counts = cursor.fetchone()  # counts: None when no word is missing
        fresh = {POOL_SIZE_KEY: profiles} | {WORD_USE_KEY + lx: n for lx, n in zip(missing, counts or [], strict=True)}
        cache.set_many(fresh, CACHE_SECONDS)
        known |= fresh
    scale = math.log1p(max(known[POOL_SIZE_KEY], POOL_AT_LEAST))
    return {
        lexeme: 1.0 - COMMON_SHARE * min(math.log1p(known[key]) / scale, 1.0)
        for lexeme, key in zip(lexemes, keys, strict=True)
    }


def search_idea_phrases(text: str) -> list[tuple[str, ...]]:
    """Each of the search's ideas (in _ideas' order) as the phrases any of which matches it."""
    return [idea.phrases for idea in _ideas(text)]


def search_lexemes(text: str) -> list[str]:
    """Every word a search's ideas can match, stemmed as the index has them, once each (what the two-stage
    ranking reads candidates for)."""
    return list(dict.fromkeys(lexeme for idea in _ideas(text) for lexeme in idea.lexemes))


def search_corrected(text: str) -> str | None:
    """The search with each word no profile uses replaced by the closest one that is; None if none is."""
    fixed = _remembered("corrected:" + text, lambda: _corrected(text))
    return None if fixed == text else fixed
