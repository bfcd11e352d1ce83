"""FAQ answers an officer can pick as a reply on a ticket's page."""

from bot.core.content import Content
from bot.web.dashboard import faq_replies
from bot.web.pages import ASPECT_NAMES


def test_every_answer_whole_and_by_part_in_the_citizens_language_own_topic_first(
    content: Content,
) -> None:
    replies = faq_replies(content, "en", first="sim")

    sim = content.faq["sim"]
    title = sim.title["id"]
    assert [r.title for r in replies[: 1 + len(sim.aspects)]] == [
        f"{title} — semua",
        *(f"{title} — {ASPECT_NAMES[aspect]}" for aspect in sim.aspects),
    ]
    assert replies[0].text == sim.answer["en"].strip()
    cost = next(r for r in replies if r.title == f"{title} — biaya")
    assert cost.text == sim.aspects["cost"]["en"].strip()
    parts = sum(1 + len(faq.aspects) for faq in content.faq.values())
    assert len(replies) == parts


def test_without_a_topic_in_topic_order_in_indonesian(content: Content) -> None:
    replies = faq_replies(content, "id", first=None)

    wholes = [r for r in replies if r.title.endswith(" — semua")]
    assert [r.text for r in wholes] == [
        content.faq[topic].answer["id"].strip() for topic in sorted(content.faq)
    ]


def test_every_aspect_has_a_name_officers_read(content: Content) -> None:
    assert set(ASPECT_NAMES) == content.aspect_words.names
