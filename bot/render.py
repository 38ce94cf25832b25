"""Turns content into replies: text plus buttons, the same for every channel.

Numbered options carry their number in the title ("2. What is the NRM?") and a Rasa
`/intent` payload, so a tap and a typed "2" reach the same intent without the classifier.
Text-only channels (SMS, terminal) show the numbered titles as lines; navigation buttons
(MORE/BACK/MENU) are already spelled out in the page footer, so they add no text there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content import JOURNEY_TOPIC, Content
from bot.dialogue import MENU_ITEM_INTENTS, intent_for_topic, menu_payload, payload_for_intent
from bot.languages import native_name

NAV_PAYLOADS = frozenset({"/more", "/go_back", "/menu", "/next"})


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_rasa(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default=())

    @property
    def options(self) -> list[str]:
        """Payloads of the numbered options, in number order (for a typed number)."""
        return [b.payload for b in self.buttons if b.payload not in NAV_PAYLOADS]


def _numbered(items: list[tuple[str, str]]) -> tuple[Button, ...]:
    return tuple(
        Button(f"{number}. {title}", payload) for number, (title, payload) in enumerate(items, 1)
    )


# Navigation buttons: the text key of their title, and their intent. (`back` is a Rasa
# default intent with its own action, so ours is `go_back`.)
_NAV_INTENTS = {"more": "more", "back": "go_back", "menu": "menu", "next": "next"}


def _nav(content: Content, *names: str) -> tuple[Button, ...]:
    return tuple(
        Button(content.text(f"button_{name}"), f"/{_NAV_INTENTS[name]}") for name in names
    )


def _menu_title(content: Content, item: str) -> str:
    if item in MENU_ITEM_INTENTS:
        return content.text(f"menu_item_{item}")
    return content.fill(content.topics[item].title)


def main_menu(content: Content) -> Reply:
    items = [(_menu_title(content, item), menu_payload(item)) for item in content.main_menu]
    return Reply(content.text("menu_prompt"), _numbered(items))


def more_topics_menu(content: Content) -> Reply:
    """Every topic the main menu does not show, so each one can be reached by number."""
    items = [(_menu_title(content, item), menu_payload(item)) for item in content.more_topics]
    return Reply(content.text("more_topics_prompt"), _numbered(items) + _nav(content, "menu"))


def language_menu(content: Content) -> Reply:
    """Every language the bot speaks, each in its own name and script, chosen by number."""
    items = [
        (native_name(code), payload_for_intent("choose_language", {"language": code}))
        for code in content.languages
    ]
    return Reply(content.text("language_prompt"), _numbered(items))


def welcome(content: Content) -> list[Reply]:
    return [Reply(content.text("welcome")), main_menu(content)]


def fallback(content: Content) -> list[Reply]:
    return [Reply(content.text("fallback")), main_menu(content)]


def page_count(content: Content, topic_id: str) -> int:
    return len(content.topics[topic_id].pages)


def topic_page(content: Content, topic_id: str, index: int, in_journey: bool = False) -> Reply:
    """One page with its footer. Steps of the journey offer their topic as option 1 and
    NEXT; the last page of a topic opened from the journey offers NEXT to go on."""
    topic = content.topics[topic_id]
    total = len(topic.pages)
    index = max(0, min(index, total - 1))
    last = index == total - 1
    link = topic.links[index]
    if topic_id == JOURNEY_TOPIC:
        footer_key = "last_step_footer" if last else "step_footer"
    elif in_journey and last:
        footer_key = "journey_topic_footer"
    else:
        footer_key = "last_page_footer" if last else "page_footer"
    footer = content.text(footer_key, page=index + 1, pages=total)
    text = content.fill(topic.pages[index]) + "\n" + footer
    if link is not None:
        title = content.text("button_read_step", title=content.fill(content.topics[link].title))
        options = _numbered([(title, payload_for_intent(intent_for_topic(link)))])
        return Reply(text, options + _nav(content, "next", "menu"))
    if in_journey and last:
        return Reply(text, _nav(content, "next", "back", "menu"))
    return Reply(text, _nav(content, "more", "back", "menu"))


def related_menu(content: Content, topic_id: str) -> Reply:
    topic = content.topics[topic_id]
    items = [
        (content.fill(content.topics[r].title), payload_for_intent(intent_for_topic(r)))
        for r in topic.related
    ]
    if not items:
        return Reply(content.text("end_of_topic"), _nav(content, "back", "menu"))
    text = content.text("end_of_topic") + "\n" + content.text("related_prompt")
    return Reply(text, _numbered(items) + _nav(content, "back", "menu"))


def sms_text(reply: Reply) -> str:
    """The reply exactly as a text-only channel sends it."""
    lines = [reply.text]
    lines.extend(b.title for b in reply.buttons if b.payload not in NAV_PAYLOADS)
    return "\n".join(lines)
