"""The off-topic test of a case question's slots: place, audience, offering (detectors/slots.py).

Genuine answers below name the asked value by a synonym, a demonym, a city or an overlapping group,
never by the question's own word; neighbour answers fill the slot with another value.
"""

import re
from pathlib import Path

import pytest

from simulator.content import load_library
from simulator.content.loader import load_sheet_file
from simulator.domain.rubric import Rubric
from simulator.grading.base import GradeRequest
from simulator.grading.detectors.relevance import relevance
from simulator.grading.detectors.slots import asked, slots_contradicted
from simulator.grading.detectors.vocabulary import SLOTS
from simulator.grading.offline import grade_offline, rubric_model

POLAND = "AliExpress is launching a curated range with seven-day delivery in Poland. Size it and plan the launch."
GENUINE = [
    (
        POLAND,
        "I'd target Polish shoppers in Warsaw and Kraków who buy from Temu and Allegro but complain about waits.",
    ),
    (
        "How would you increase engagement with Alexa among teenagers?",
        "The user is a 15-year-old with an Echo Dot in her bedroom; Gen Z listeners ask for music and homework help.",
    ),
    (
        "How would you increase engagement with Alexa among teenagers?",
        "I'd start with high-school students revising for exams, who use voice timers while they study.",
    ),
    (
        "Working backwards, write the PR/FAQ for Amazon launching certified second-hand electronics with a full "
        "warranty across Europe.",
        "Headline: Amazon Renewed now comes with two years of cover in France, Germany and Spain. A refurbished phone "
        "bought in Lyon is repaired free.",
    ),
    (
        "How would you take Alipay's elder mode to market among retirees in tier-3 cities?",
        "The target is people over 65 in county towns; pensioners told us in interviews that small text scares them.",
    ),
    (
        "Write a PR/FAQ for a DingTalk feature that helps schools communicate with parents.",
        "Headline: teachers send one notice and every mum and dad sees it translated. A class of 40 pupils in Hangzhou "
        "had 300 chat messages a week.",
    ),
    (
        "How would you market Alibaba Cloud's Model Studio (its generative-AI platform) to developers in Japan?",
        "Target: Tokyo and Osaka software teams building chatbots; engineers there compare us with Azure OpenAI.",
    ),
    (
        "How would you improve LazLive, Lazada's live-stream shopping, for the viewers who watch it?",
        "The audience is a shopper in Manila who watches a stream on her commute and leaves when the host is slow.",
    ),
    (
        "Amazon Ads wants more ad spend from car dealerships. Size it and tell me how you'd go to market.",
        "There are about sixteen thousand franchised dealers in the US; each spends on vehicle listings today.",
    ),
    (
        "How would you market Lazada's new working-capital loans to small sellers in Malaysia?",
        "I'd go after merchants in Kuala Lumpur and Penang whose stock runs out before 11.11; financing against "
        "their sales history lets them borrow in a day.",
    ),
    (
        "Write a PR/FAQ for a Freshippo feature for shoppers with food allergies.",
        "Headline: Freshippo now flags gluten and nuts on every product page. A mother in Shanghai whose son is "
        "coeliac reads every label twice today.",
    ),
    (
        "Freshippo is launching chilled ready meals. Who buys them, and how do you position them against restaurant "
        "delivery apps?",
        "Single office workers in Shanghai who get home at nine; they are cheaper than a takeaway and ready in three "
        "minutes.",
    ),
]

NEIGHBOURS = [
    (
        POLAND,
        "The opportunity is home goods in Brazil: young renters in São Paulo furnishing a first flat.",
        "place",
    ),
    (
        "How would you increase engagement with Alexa among teenagers?",
        "Target: mid-scale hotel chains where guests call the front desk for towels; an Echo in each room.",
        "audience",
    ),
    (
        "How would you market Alibaba Cloud's Model Studio (its generative-AI platform) to developers in Japan?",
        "Target: game publishers launching in Southeast Asia, with traffic spikes in Jakarta and Manila.",
        "place",
    ),
    (
        "Write a PR/FAQ for a DingTalk feature that helps schools communicate with parents.",
        "Headline: expense claims fill themselves in. Finance staff chase missing invoice fields; employees "
        "photograph a receipt instead.",
        "audience",
    ),
    (
        "Write a PR/FAQ for a Freshippo feature for shoppers with food allergies.",
        "Headline: pickers get a route, not a list. A picker walks fifteen kilometres a shift across the warehouse.",
        "offering",
    ),
]


@pytest.mark.parametrize(("question", "answer"), GENUINE)
def test_an_answer_naming_the_asked_value_by_another_word_keeps_its_slots(question: str, answer: str) -> None:
    assert slots_contradicted(question, answer) == ()


@pytest.mark.parametrize(("question", "answer", "slot"), NEIGHBOURS)
def test_an_answer_to_a_neighbouring_question_fills_a_slot_with_another_value(
    question: str, answer: str, slot: str
) -> None:
    assert slot in [miss.slot for miss in slots_contradicted(question, answer)]


def test_each_value_is_one_named_group_of_its_slot_pattern() -> None:
    """slots.py reads which value matched from the group's name: a value's own capturing group, or
    two values of one name, would misread it."""
    values = [v for slot in SLOTS.values() for v in slot]
    assert len({v.name for v in values}) == len(values)
    assert [v.name for v in values if re.compile(v.words).groups] == []


def test_a_place_the_asked_one_lies_in_and_the_home_markets_are_no_evidence() -> None:
    question = GENUINE[0][0]
    assert slots_contradicted(question, "Across Europe, Chinese sellers ship from Shenzhen; Seattle watches.") == ()


def test_another_place_named_once_in_a_comparison_is_not_another_setting() -> None:
    question = "Lazada is launching self-serve ads for small sellers in the Philippines. How big is it?"
    once = "I'd go after sellers with 50 to 500 orders a month, sized from seller-centre logs; Thailand, same order."
    assert slots_contradicted(question, once) == ()
    (miss,) = slots_contradicted(question, once + " Bangkok sellers first.")
    assert str(miss) == "the question asks about Philippines, the answer is about Thailand"


def test_a_rival_in_the_question_is_not_what_it_asks_about() -> None:
    assert [v.name for v in asked(GENUINE[-1][0], "audience")] == []


def test_only_case_questions_compare_slots() -> None:
    question, answer, _ = NEIGHBOURS[0]
    assert [m.slot for m in relevance(question, answer, case_round=True).slots_missed] == ["place"]
    assert relevance(question, answer).slots_missed == ()
    story = "Tell me about a time you launched in Poland."
    assert relevance(story, answer, case_round=True).slots_missed == ()


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_library().rubric("base")


NEIGHBOUR_CASE = (
    "Okay, so the opportunity is home goods in Brazil, now that small parcels carry import tax. Brazil has about 90 "
    "million online shoppers; around 18 million bought cross-border last year, a fifth of them home goods, so 3.5 "
    "million buyers at four orders a year and 90 reais, about 1.3 billion reais. Positioning: for young renters in São "
    "Paulo furnishing a first flat, AliExpress home is the cheapest way to a finished room, unlike Shopee, because the "
    "tax is shown at checkout. Launch: Instagram creators and a Mercado Livre comparison campaign, budget 2 million "
    "reais, go/no-go on repeat rate at week eight."
)


def test_a_strong_case_answer_to_the_neighbouring_question_is_voided(rubric: Rubric) -> None:
    question = GENUINE[0][0]
    graded = grade_offline(GradeRequest("marketing-case", question, NEIGHBOUR_CASE), rubric, rubric_model(rubric))
    assert "off-topic" in graded.flags
    assert graded.overall.score == 1
    assert graded.signals["market_sizing"].rationale == (
        "The answer does not address the question asked: the question asks about Poland, the answer is about Brazil."
    )


def test_the_same_answer_to_its_own_question_is_not(rubric: Rubric) -> None:
    question = "AliExpress wants to grow home goods in Brazil now that small parcels carry import tax. Size and launch."
    graded = grade_offline(GradeRequest("marketing-case", question, NEIGHBOUR_CASE), rubric, rubric_model(rubric))
    assert "off-topic" not in graded.flags
    assert graded.signals["market_sizing"].score >= 2  # voided, every signal is 1


GOLDEN = Path(__file__).resolve().parents[2] / "rubrics" / "golden"


def test_most_golden_answers_to_a_neighbouring_question_are_flagged_off_topic(rubric: Rubric) -> None:
    """22 of the 25 are flagged (10 before the slots); genuine answers are checked, held out, by
    test_golden_agreement."""
    items = [item for path in sorted(GOLDEN.glob("*/*.yaml")) for item in load_sheet_file(path).rounds]
    neighbours = [item for item in items if item.style == "neighbour-question"]
    flagged = [
        item.id
        for item in neighbours
        if "off-topic" in grade_offline(GradeRequest(item.round, item.question, item.answer), rubric).flags
    ]
    assert len(neighbours) >= 25 and len(flagged) >= 21, sorted({i.id for i in neighbours} - set(flagged))
