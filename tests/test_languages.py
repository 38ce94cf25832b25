"""Languages: catalogs (drafts, reviewed, stale, broken), detection, right-to-left text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot import bidi, sms
from bot.catalog import catalog_path, read_translations
from bot.cli import export_topics
from bot.content import ContentError, load_content, sms_pages
from bot.detect import detect_language
from bot.languages import LANGUAGES, is_rtl, native_name
from bot.locales import statuses, update
from bot.localise import MAX_TRANSLATED_SEGMENTS, source_entries
from bot.render import language_menu
from tests.conftest import CONTENT_DIR, PROJECT_ROOT

ENGLISH = load_content(CONTENT_DIR, locales_dir=Path("/nonexistent"))


def fake_translation(text: str) -> str:
    """A stand-in 'translation' that keeps placeholders and numbers, in a UCS-2 script."""
    return "Ж " + text


def write_catalog(
    locales: Path,
    lang: str = "sq",
    reviewed_topics: tuple[str, ...] = (),
    overrides: dict[str, str] | None = None,
) -> Path:
    """A catalog translating every current English text (fuzzy unless its topic is listed);
    `overrides` maps an English text to the translation to use instead."""
    catalog = Catalog(locale=lang)
    for context, source in source_entries(ENGLISH):
        reviewed = context.removeprefix("topic.") in reviewed_topics
        catalog.add(
            source,
            (overrides or {}).get(source, fake_translation(source)),
            context=context,
            flags=() if reviewed else ("fuzzy",),
        )
    path = catalog_path(locales, lang)
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def test_language_list_uses_each_language_s_own_name_from_babel(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    content = load_content(CONTENT_DIR, locales_dir=tmp_path)
    titles = [b.title for b in language_menu(content).buttons]
    assert titles == ["1. English", f"2. {Locale.parse('sq').get_display_name('sq').title()}"]
    assert native_name("ar") == "العربية"
    assert native_name("ti") == "ትግርኛ"
    assert native_name("zh_Hans") == "中文 (简体)"
    assert [code for code in LANGUAGES if is_rtl(code)] == ["ar", "fa", "ckb"]


def test_a_draft_is_served_and_reported_as_unreviewed(tmp_path: Path) -> None:
    write_catalog(tmp_path)
    content = load_content(CONTENT_DIR, locales_dir=tmp_path)
    albanian = content.for_language("sq")
    assert albanian.text("menu_prompt") == fake_translation(ENGLISH.text("menu_prompt"))
    assert albanian.topics["nrm-what"].title == fake_translation(ENGLISH.topics["nrm-what"].title)
    assert not albanian.english_topics
    assert not any(topic["reviewed"] for topic in export_topics(content, "sq"))
    row = next(r for r in statuses(content, tmp_path) if r.lang == "sq")
    assert (row.percent(row.translated), row.percent(row.reviewed), row.stale) == (100, 0, 0)


def test_only_topics_with_every_page_confirmed_are_reviewed(tmp_path: Path) -> None:
    write_catalog(tmp_path, reviewed_topics=("nrm-what",))
    content = load_content(CONTENT_DIR, locales_dir=tmp_path)
    reviewed = {t["id"] for t in export_topics(content, "sq") if t["reviewed"]}
    assert reviewed == {"nrm-what"}
    assert all(t["reviewed"] for t in export_topics(content, "en"))


def test_a_stale_translation_is_never_served(tmp_path: Path) -> None:
    path = write_catalog(tmp_path)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    source = ENGLISH.topics["recovery-period"].pages[0]
    catalog.get(source, context="topic.recovery-period").previous_id = ["An older text."]
    with path.open("wb") as handle:
        write_po(handle, catalog, include_previous=True)
    content = load_content(CONTENT_DIR, locales_dir=tmp_path)
    albanian = content.for_language("sq")
    assert albanian.topics["recovery-period"].pages == ENGLISH.topics["recovery-period"].pages
    assert "recovery-period" in albanian.english_topics
    assert next(r for r in statuses(content, tmp_path) if r.lang == "sq").stale == 1


def test_english_setting_serves_english_pages_with_an_offer_of_an_interpreter(
    tmp_path: Path,
) -> None:
    write_catalog(tmp_path, reviewed_topics=("nrm-what",))
    content = load_content(CONTENT_DIR, locales_dir=tmp_path, unreviewed="english")
    albanian = content.for_language("sq")
    assert albanian.english_topics == frozenset(ENGLISH.topics) - {"nrm-what"}
    assert albanian.topics["housing"].pages == ENGLISH.topics["housing"].pages
    assert albanian.topics["nrm-what"].pages[0].startswith("Ж ")
    assert albanian.text("english_page_notice").startswith("Ж ")


def test_placeholder_mismatch_fails_the_check_naming_file_and_entry(tmp_path: Path) -> None:
    welcome = ENGLISH.ui["welcome"]
    wrong = fake_translation(welcome).replace("{emergency}", "{emergencia}")
    path = write_catalog(tmp_path, overrides={welcome: wrong})
    with pytest.raises(ContentError) as caught:
        load_content(CONTENT_DIR, locales_dir=tmp_path)
    [problem] = [p for p in caught.value.problems if p.severity == "error"]
    assert problem.path == path and problem.line > 1
    assert "ui.welcome" in problem.message and "emergency" in problem.message


def test_a_changed_number_fails_the_check(tmp_path: Path) -> None:
    source = next(p for p in ENGLISH.topics["recovery-period"].pages if "45" in p)
    write_catalog(tmp_path, overrides={source: fake_translation(source).replace("45", "30")})
    with pytest.raises(ContentError) as caught:
        load_content(CONTENT_DIR, locales_dir=tmp_path)
    [problem] = caught.value.problems
    assert "topic.recovery-period: numbers differ" in problem.message
    assert "missing ['45'], not in the English ['30']" in problem.message


def test_a_broken_po_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = catalog_path(tmp_path, "sq")
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Hello"\nmsgstr "Tungjatjeta"\nmsgid "unterminated\n', "utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(CONTENT_DIR, locales_dir=tmp_path)
    [problem] = caught.value.problems
    assert problem.path == path and problem.line == 3


def test_a_language_without_its_interface_texts_is_not_offered(tmp_path: Path) -> None:
    path = catalog_path(tmp_path, "pl")
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, Catalog(locale="pl"))
    content = load_content(CONTENT_DIR, locales_dir=tmp_path)
    assert content.languages == ("en",)
    assert any("not offered" in w.message for w in content.warnings)


def test_long_translated_pages_are_split_to_fit_three_ucs2_segments(tmp_path: Path) -> None:
    page = ENGLISH.topics["housing"].pages[0]
    long = "Ж " + " ".join([page] * 3)
    write_catalog(tmp_path, overrides={page: long})
    albanian = load_content(CONTENT_DIR, locales_dir=tmp_path).for_language("sq")
    split = albanian.topics["housing"].pages
    english_pages = len(ENGLISH.topics["housing"].pages)
    assert len(split) >= english_pages + 3
    sent = sms_pages(albanian)
    assert all(sms.sms_info(t).segments <= MAX_TRANSLATED_SEGMENTS for t in sent.values())
    # Nothing is cut or reordered: the pages join up to the whole translation.
    translated = [long] + [fake_translation(p) for p in ENGLISH.topics["housing"].pages[1:]]
    assert " ".join(split).split() == " ".join(translated).split()


def test_every_shipped_catalog_fits_the_sms_budget_in_every_language() -> None:
    content = load_content(CONTENT_DIR)
    for lang, localised in content.translations.items():
        for (topic, index), text in sms_pages(localised).items():
            if topic in localised.english_topics:
                continue
            segments = sms.sms_info(text).segments
            assert segments <= MAX_TRANSLATED_SEGMENTS, (lang, topic, index, segments)


def test_locales_update_adds_new_english_and_marks_changed_english_stale(tmp_path: Path) -> None:
    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    shutil.copy(PROJECT_ROOT / "babel.cfg", tmp_path / "babel.cfg")
    locales = tmp_path / "locales"
    update(tmp_path, locales)
    po = catalog_path(locales, "ti")
    with po.open("rb") as handle:
        catalog = read_po(handle)
    assert len([m for m in catalog if m.id]) == len(source_entries(ENGLISH))
    assert "#: content/topics/housing.yml:" in po.read_text("utf-8")  # relative to the project
    source = ENGLISH.topics["housing"].pages[0]
    catalog.get(source, context="topic.housing").string = fake_translation(source)
    with po.open("wb") as handle:
        write_po(handle, catalog)

    topic_file = tmp_path / "content" / "topics" / "housing.yml"
    data = yaml.safe_load(topic_file.read_text("utf-8"))
    changed = data["pages"][0] = source + " Ask us."
    topic_file.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    update(tmp_path, locales)
    entry = read_translations(po, "ti").get("topic.housing", changed)
    assert entry is not None and entry.stale and not entry.usable
    assert "#| msgid" in po.read_text("utf-8")  # Poedit shows translators the old English
    assert (locales / "ti" / "LC_MESSAGES" / "messages.mo").exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("اتصل على 0800 0121 700 الآن.", "\u200fاتصل على \u20660800 0121 700\u2069 الآن."),
        ("(2/5) أرسل المزيد", "\u200f(\u20662/5\u2069) أرسل المزيد"),
        ("NRM هو نظام.\n3. السكن", "\u200fNRM هو نظام.\n\u200f3. السكن"),
        ("اتصل بالرقم 999", "\u200fاتصل بالرقم 999"),
        ("1. English\n5. العربية", "1. English\n\u200f5. العربية"),  # Latin-only lines stay LTR
    ],
)
def test_right_to_left_lines_keep_their_punctuation_and_numbers(text: str, expected: str) -> None:
    assert bidi.shape(text, rtl=True) == expected
    assert bidi.shape(text, rtl=False) == text
    assert bidi.shape(expected, rtl=True) == expected  # shaping twice changes nothing


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Çfarë është NRM dhe si funksionon?", "sq"),
        ("cfare eshte nrm dhe si funksionon", "sq"),
        ("Tôi bị ép làm việc không lương, tôi phải làm gì?", "vi"),
        ("ما هو نظام الإحالة الوطني؟", "ar"),
        ("ان آر ام چیست و چگونه کار می کند", "fa"),
        ("ئەمە چییە و چۆن یارمەتیم دەدەن", "ckb"),
        ("什么是国家转介机制？", "zh_Hans"),
        ("NRM እንታይ እዩ?", "ti"),
        ("NRM ምንድን ነው?", "am"),
        ("¿Qué es el NRM y cómo funciona?", "es"),
        ("Co to jest NRM i jak to działa?", "pl"),
        ("what is the nrm and how does it work", "en"),
        ("ok", None),  # too short to tell: the bot asks
        ("ሰላም", None),  # the same word in Tigrinya and Amharic
        ("shlonak, shu ya3ni NRM", "ar"),  # Arabic in Latin letters
        ("NRM chie va chera bayad beram", "fa"),  # Persian in Latin letters
        ("안녕하세요", None),  # a script the bot does not read
        ("ما هو 国家", None),  # two scripts: ask
    ],
)
def test_language_detection(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected
