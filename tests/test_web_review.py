"""Review from a link (issue 25), in a real browser against a real server on
127.0.0.1 that serves a private copy of the content project (`--content`), so
approvals and edits never touch the shipped review files.

The reviewer and lawyer names here are made up for the tests; no real person
reviewed anything."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from handouts.content import COMMON, load_content
from handouts.render import Job, render
from handouts.translations import read_reviews, status_of, translated_strings
from handouts.web.reviewbook import ReviewBook

from . import pdfread, test_web_browser
from .test_web_browser import AXE, CHROMIUM, serving

browser = test_web_browser.browser  # the same fixture: one chromium for the module

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (setup.sh installs it)"),
]

REVIEWER = "Testy McReviewer"  # made up
ROLE = "interpreter (made-up, for this test)"
LAWYER = "Lawful Testperson"  # made up


@pytest.fixture
def review_server(data_copy, tmp_path):
    data = tmp_path / "web-data"
    with serving("--data", str(data), "--content", str(data_copy / "content"), "-j", "1") as url:
        yield {"url": url, "data": data, "content": data_copy / "content"}


def _article(page, sid: str):
    return page.locator("article.string", has=page.locator("h3", has_text=f"{sid} ·"))


def _footer(folder: Path, lang: str, allow_stale: bool = False) -> str:
    rendered = render(Job("red-card", lang, "wallet", allow_stale=allow_stale))
    path = folder / f"{lang}-{allow_stale}.pdf"
    path.write_bytes(rendered.pdf)
    return "".join(pdfread.text(path).split())  # Korean lines break inside words: compare without spaces


def _invite(page, url: str, lang: str, name: str, role: str) -> str:
    page.goto(url + "/translations")
    page.locator("#inv-lang").select_option(lang)
    page.locator("#inv-name").fill(name)
    page.locator("#inv-role").fill(role)
    page.get_by_role("button", name="Make the link").click()
    return page.locator("#new-link").inner_text().strip()


def test_korean_reviewer_approves_edits_and_comments_from_a_link(review_server, browser):
    url = review_server["url"]
    operator = browser.new_context(locale="en-US").new_page()
    operator.set_default_timeout(120_000)
    link = _invite(operator, url, "ko", REVIEWER, ROLE)
    assert link.startswith(url + "/review/")

    context = browser.new_context(locale="en-US", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(link)
    nav = page.locator("header nav").inner_text()
    assert "Translations" not in nav  # the reviewer sees their own navigation only
    assert "Many offices" not in nav
    page.locator("a[href$='/red-card']").click()
    assert page.locator("h2", has_text="This handout, in reading order").count() == 1

    # the page beside the strings marks the one asked for
    _article(page, "red-card:front.bullets[3]").get_by_role("link", name="Show it on the page").click()
    picture = page.locator("figure.review-page img")
    assert "where.png?s=red-card%3Afront.bullets%5B3%5D" in picture.get_attribute("src")
    page.wait_for_function("() => document.querySelector('figure.review-page img').naturalWidth > 0")
    shot = page.request.get(url + picture.get_attribute("src"))
    marked = Image.open(io.BytesIO(shot.body())).convert("RGB")
    pixels = marked.tobytes()
    yellow = sum(1 for i in range(0, len(pixels), 3) if pixels[i] > 200 and pixels[i + 1] > 180 and pixels[i + 2] < 140)
    assert yellow > 200  # the yellow band over the string

    # approve one string
    _article(page, "red-card:front.bullets[0]").get_by_role("button", name="Approve as shown").click()
    page.wait_for_url("**done=approved*", wait_until="commit")
    # a bad edit is refused at its string, with its reason
    bad = _article(page, "red-card:front.bullets[4]")
    bad.locator("summary").click()
    bad.locator("textarea[name=text]").fill("변호사에게 전화하세요: 213-555-0100")
    bad.get_by_role("button", name="Save my wording").click()
    refused = _article(page, "red-card:front.bullets[4]").locator("p.error")
    assert "looks like a number" in refused.inner_text()
    assert page.locator("p.error").count() == 1  # only at that string
    assert "213-555-0100" in _article(page, "red-card:front.bullets[4]").locator("textarea[name=text]").input_value()
    # a good edit
    title = _article(page, "red-card:front.title")
    title.locator("summary").click()
    title.locator("textarea[name=text]").fill("당신의 권리를 알아 두세요")
    title.get_by_role("button", name="Save my wording").click()
    page.wait_for_url("**done=edited*", wait_until="commit")
    # a comment
    hotline = _article(page, "red-card:front.hotline")
    hotline.locator("summary").click()
    hotline.locator("textarea[name=comment]").fill("Is 핫라인 the word our readers use?")
    hotline.get_by_role("button", name="Send comment").click()
    page.wait_for_url("**done=commented*", wait_until="commit")

    if AXE.exists():
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ':' + v.impact)")
        assert not [v for v in found if v.endswith(("serious", "critical"))], found

    # the review files record exactly that
    reviews = read_reviews("red-card", "ko")
    assert reviews["front.bullets[0]"].state == "reviewed"
    assert reviews["front.bullets[0]"].by == f"{REVIEWER}, {ROLE}"
    assert reviews["front.title"].state == "draft"
    assert [f for f, r in reviews.items() if r.state == "reviewed"] == ["front.bullets[0]"]
    assert load_content("red-card", "ko").data["front"]["title"] == "당신의 권리를 알아 두세요"
    assert "213-555-0100" not in (review_server["content"] / "red-card" / "ko.yaml").read_text(encoding="utf-8")
    with sqlite3.connect(review_server["data"] / "reviews.sqlite3") as db:
        kinds = [row[0] for row in db.execute("SELECT kind FROM events ORDER BY id")]
    assert kinds == ["approve", "edit", "comment"]

    # the operator sees the comment and can resolve it
    operator.goto(url + "/translations")
    assert "Is 핫라인 the word our readers use?" in operator.locator("#comments + ul").inner_text()

    # the review record lists the reviewer, the day and the change (the PDF, read back)
    answer = operator.request.get(url + "/translations/ko/record.pdf")
    assert answer.ok, answer.text()
    record = review_server["data"] / "record-ko.pdf"
    record.write_bytes(answer.body())
    text = "".join(pdfread.text(record).split())
    with sqlite3.connect(review_server["data"] / "reviews.sqlite3") as db:
        edited_at = db.execute("SELECT at FROM events WHERE kind = 'edit'").fetchone()[0]
    day = dt.datetime.fromtimestamp(edited_at).date().isoformat()
    old_title, comment = "여러분의 권리를 알아 두세요", "Is 핫라인 the word our readers use?"
    signed = f"{REVIEWER}, {ROLE}, {day} (1)"  # who signed how many strings of the Red Card, on which day
    for expected in (REVIEWER, ROLE, day, old_title, "당신의 권리를 알아 두세요", comment, signed):
        assert "".join(expected.split()) in text, expected

    # approve the rest of the page: the Korean card now says a person reviewed it
    page.get_by_role("button", name="Approve every draft sentence on this page, as shown").click()
    page.wait_for_url("**done=approved*", wait_until="commit")
    assert status_of(load_content("red-card", "ko")) == status_of(load_content(COMMON, "ko")) == "reviewed"
    words = load_content(COMMON, "ko").data["strings"]
    footer = _footer(review_server["data"], "ko")
    assert "".join(words["translation_reviewed"].split()) in footer
    assert "".join(words["draft"].split()) not in footer

    # a later English edit makes the string "changed in English" again
    english = review_server["content"] / "red-card" / "en.yaml"
    changed = english.read_text(encoding="utf-8").replace("title: Know your rights", "title: Know your rights today")
    english.write_text(changed, encoding="utf-8")
    assert [s.field for s in translated_strings("red-card", "ko") if s.state == "stale"] == ["front.title"]
    footer = _footer(review_server["data"], "ko", allow_stale=True)
    assert "".join(words["stale_strings"].split()) in footer
    page.reload()
    assert page.locator("h2", has_text="Changed in English").count() == 1

    # the operator resolves the comment, naming themselves; the record says so
    operator.goto(url + "/translations")
    operator.get_by_label("Resolved by (your name)").fill("Made-up Team Lead")
    operator.get_by_role("button", name="Mark comment 3 resolved").click()
    assert "No open comments." in operator.locator("#comments + ul").inner_text()
    with sqlite3.connect(review_server["data"] / "reviews.sqlite3") as db:
        assert db.execute("SELECT resolved_by FROM events WHERE kind = 'comment'").fetchone()[0] == "Made-up Team Lead"

    # the page in Spanish, and a right-to-left language, have no serious accessibility problem
    token, _ = ReviewBook(review_server["data"]).invite("ar", "Made-up Arabic Reviewer", "promotora (made up)")
    for locale, link_to in (("es-ES", link), ("en-US", f"{url}/review/{token}")):
        other = browser.new_context(locale=locale, bypass_csp=True).new_page()
        other.goto(link_to + "/red-card")
        assert other.locator("html").get_attribute("lang") == locale[:2]
        if AXE.exists():
            other.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            found = other.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ':' + v.impact)")
            assert not [v for v in found if v.endswith(("serious", "critical"))], (locale, found)
        other.context.close()
