"""Feedback text written for this answer, and quotes that are whole sentences as typed."""

import re

import pytest

from simulator.content import Library, load_library
from simulator.domain import RoundGrade
from simulator.grading.base import GradeRequest, QuestionPart
from simulator.grading.offline import grade_offline
from simulator.grading.quotes import whole_sentences
from tests.answers import SAAS_STORY, SIMPSON, SOLO_LUNCH, STRONG_STAR, THIN_STORY

WRAPPED = (
    "Conversion on the checkout page rose a lot after\n"
    'I decided to launch the "pay later. no card" option for sellers in tier-3 cities.\n'
    "I told the finance lead that\n"
    "we would stop it if defaults went above 2%. Revenue grew 20%.\n"
    "I wrote the rollback plan myself, though nobody had asked for it."
)
PAST_STORIES = (SAAS_STORY, STRONG_STAR, THIN_STORY, WRAPPED)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def grade(library: Library, answer: str, question_id: str = "br-owned-beyond-role") -> RoundGrade:
    question = library.questions[question_id]
    return grade_offline(GradeRequest(question.round or "", question.text, answer), library.rubric("amazon-pm"))


def lines_of(graded: RoundGrade) -> list[str]:
    return [text for g in graded.signals.values() for text in (g.rationale, g.next_level or "")]


@pytest.mark.parametrize("answer", [*PAST_STORIES, SOLO_LUNCH, SIMPSON])
def test_feedback_repeats_no_word_like_missing_and_reads_as_sentences(library: Library, answer: str) -> None:
    for line in lines_of(grade(library, answer)):
        lowered = line.lower()
        for word in ("missing", "not found", "has no a"):
            assert lowered.count(word) <= (1 if word == "missing" else 0), line
        assert not re.search(r"\b(\w{4,}) \1\b", lowered), line


@pytest.mark.parametrize("answer", PAST_STORIES)
def test_a_past_tense_story_is_not_told_to_make_first_person_plans(library: Library, answer: str) -> None:
    for signal in grade(library, answer).signals.values():
        lacks = signal.rationale.partition("does not show")[2]
        assert "first-person plan" not in lacks and "I would start" not in (signal.next_level or ""), signal


def test_a_weak_signal_is_told_what_to_add_in_the_candidates_own_words(library: Library) -> None:
    graded = grade(library, WRAPPED)
    advice = graded.signals["delivery_metrics"].next_level or ""
    assert advice.startswith("You said conversion rose; say from what, to what, over which weeks")
    rubric = library.rubric("amazon-pm")
    for signal_id, signal in graded.signals.items():
        assert signal.next_level not in rubric.signals[signal_id].levels.values(), signal_id


def test_a_result_given_in_full_is_not_asked_for_in_part(library: Library) -> None:
    delivery = grade(library, SAAS_STORY).signals["delivery_metrics"]
    assert "baseline" not in delivery.rationale.split("Found", 1)[1].split(".", 1)[1]


def test_a_skipped_question_says_skipped(library: Library) -> None:
    question = library.questions["br-owned-beyond-role"]
    parts = (QuestionPart(question.text, SAAS_STORY), QuestionPart("Tell me about a miss.", "", skipped=True))
    request = GradeRequest("bar-raiser", question.text, SAAS_STORY, parts=parts)
    graded = grade_offline(request, library.rubric("amazon-pm"))
    for signal in graded.signals.values():
        assert "Question 2 held it back" in signal.rationale
        assert "does not address" not in signal.rationale
    alone = grade_offline(
        GradeRequest("bar-raiser", question.text, "", parts=(QuestionPart(question.text, "", skipped=True),)),
        library.rubric("amazon-pm"),
    )
    assert all(s.rationale == "Skipped." for s in alone.signals.values())


@pytest.mark.parametrize("answer", [*PAST_STORIES, SOLO_LUNCH, SIMPSON])
def test_quotes_are_whole_sentences_as_typed_with_balanced_quotation_marks(library: Library, answer: str) -> None:
    bounds = {answer[s:e] for s, e in whole_sentences(answer)}
    for signal_id, signal in grade(library, answer).signals.items():
        for quote in signal.evidence:
            assert quote in answer, signal_id
            assert quote.count('"') % 2 == 0, quote
            assert quote in bounds or all(piece in bounds for piece in _pieces(quote, bounds)), quote


def _pieces(quote: str, bounds: set[str]) -> list[str]:
    """A quote covering two sentences is those sentences joined by what was between them."""
    return [b for b in bounds if b in quote] or [quote]


def test_a_line_break_inside_a_sentence_does_not_cut_the_quote(library: Library) -> None:
    quotes = [q for s in grade(library, WRAPPED).signals.values() for q in s.evidence]
    assert any(q.startswith("Conversion on the checkout page rose a lot after\nI decided") for q in quotes), quotes
    assert not any(q.endswith("after") or q.endswith("that") for q in quotes), quotes


def test_one_sentence_does_not_lead_three_signals(library: Library) -> None:
    for answer in (*PAST_STORIES, SOLO_LUNCH):
        leads = [s.evidence[0] for s in grade(library, answer).signals.values() if s.evidence]
        assert all(leads.count(lead) < 3 for lead in leads), leads


STAR_SENTENCE = (
    "I decided to cut the checkout steps from five to three, and conversion rose from 2.1% to 2.9% in six "
    "weeks, which I measured in our dashboard with the finance and design teams."
)
KINDLE_PLAN = (
    "I would improve the Kindle reading app for students. I would add flashcards built from highlights, "
    "because college students highlight the most and then export their notes by hand. I would prioritise "
    "first-year students over graduate students, since they buy the most textbooks, and I would measure "
    "weekly retention of student readers from 30% to 40% within a semester, read in our reading analytics."
)


@pytest.mark.parametrize(
    ("answer", "question_id", "flag"),
    [
        (" ".join([STAR_SENTENCE] * 40), "br-owned-beyond-role", "incoherent"),
        (" ".join(sorted(STAR_SENTENCE.split() * 20)), "br-owned-beyond-role", "incoherent"),
        (KINDLE_PLAN, "ps-alexa-list-to-cart", "off-topic"),
    ],
    ids=["one-sentence-repeated", "shuffled-words", "another-product"],
)
def test_a_voided_answer_is_told_only_its_gate_and_nothing_in_it_is_quoted(
    library: Library, answer: str, question_id: str, flag: str
) -> None:
    graded = grade(library, answer, question_id)
    assert graded.flags == [flag]
    for signal_id, signal in graded.signals.items():
        assert signal.score == 1, signal_id
        assert signal.evidence == [], signal_id
        assert "Found" not in signal.rationale and "does not show" not in signal.rationale, signal.rationale
        assert signal.next_level and signal.next_level.startswith(("Answer the question", "Write it as sentences"))


def test_a_short_answer_is_told_it_is_too_short_not_off_topic(library: Library) -> None:
    graded = grade(library, "I worked on returns. It went well.")
    assert "off-topic" not in graded.flags
    assert all(s.rationale.startswith("Too short") for s in graded.signals.values())


def test_the_rationale_names_what_was_found_without_counting_it(library: Library) -> None:
    for answer in (*PAST_STORIES, SOLO_LUNCH, SIMPSON):
        for line in lines_of(grade(library, answer)):
            assert not re.search(r"\(\d+\)", line), line


def test_what_moved_is_the_metric_not_the_clause_before_it(library: Library) -> None:
    answer = (
        "At my last job our team worked on the checkout for customers. We talked to many users and we found "
        "that the checkout was confusing, so we aligned with all stakeholders and made sure everyone was on the "
        "same page. We launched a new design and conversion improved significantly. The customers were very "
        "happy and my manager said it was a great result for the whole team."
    )
    advice = grade(library, answer).signals["delivery_metrics"].next_level or ""
    assert advice.startswith("You said conversion improved; say from what, to what"), advice
