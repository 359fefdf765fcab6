"""Review from a link (issue 25) through Starlette's TestClient, on a private
copy of the content project (`data_copy`): who may reach the operator's pages,
what a reviewer's approval checks, a stale string corrected, and the lawyer's
path. Reviewer names are made up for these tests; nobody reviewed anything."""

from __future__ import annotations

import re

import pytest

from handouts.claims import load_claims
from handouts.content import SOURCE_LANGUAGE, load_content
from handouts.errors import TranslationError
from handouts.review import approve, edit, english_text, find
from handouts.translations import read_reviews, seen_print, sign, translated_strings
from handouts.web import Limits

starlette_testclient = pytest.importorskip("starlette.testclient")

NAME, ROLE = "Pretend Reviewer", "interpreter (made up)"
HERE, AWAY = ("127.0.0.1", 40000), ("203.0.113.7", 40000)


def _client(tmp_path, client=HERE, **limits):
    from handouts.web.app import create_app

    app = create_app(tmp_path / "web-data", Limits(workers=1, **limits))
    return app, starlette_testclient.TestClient(app, base_url="http://127.0.0.1", client=client)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_operator_pages_answer_this_computer_only(data_copy, tmp_path):
    _app, local = _client(tmp_path)
    with local:
        page = local.get("/translations").text
        assert "Invite a reviewer" in page
        answer = local.post(
            "/translations/invite", data={"csrf_token": _csrf(page), "lang": "ko", "name": NAME, "role": ROLE}
        )
        link = re.search(r'<code id="new-link">([^<]+)</code>', answer.text).group(1)
        token = link.rsplit("/", 1)[1]
        reviewer = local.get(f"/review/{token}/red-card").text
        nav = reviewer.split("<nav", 1)[1].split("</nav>", 1)[0]
        assert "/translations" not in nav  # a reviewer's page shows their own navigation only
        assert "/offices" not in nav
        assert f"/review/{token}" in nav
    for client, limits in ((AWAY, {}), (HERE, {"public": True})):
        _app, other = _client(tmp_path, client, **limits)
        with other:
            page = other.get("/translations").text
            assert "Invite a reviewer" not in page
            form = {"csrf_token": _csrf(page), "lang": "ko", "name": NAME, "role": ROLE}
            assert other.post("/translations/invite", data=form).status_code == 404
            assert (
                other.post("/translations/revoke", data={"csrf_token": _csrf(page), "invitation": "x"}).status_code
                == 404
            )
            assert (
                other.post("/translations/resolve", data={"csrf_token": _csrf(page), "comment": "1"}).status_code == 404
            )
            assert other.get("/translations/ko/record.pdf").status_code == 404
            assert other.get(f"/review/{token}/red-card").status_code == 200  # the reviewer's link works anywhere


def test_a_revoked_or_expired_link_opens_nothing(data_copy, tmp_path):
    app, client = _client(tmp_path)
    with client:
        token, made = app.web.reviews.invite("ko", NAME, ROLE)
        assert client.get(f"/review/{token}").status_code == 200
        app.web.reviews.revoke(made.id)
        assert client.get(f"/review/{token}").status_code == 404
        old, _ = app.web.reviews.invite("ko", NAME, ROLE, days=-1)
        assert client.get(f"/review/{old}/red-card").status_code == 404
        assert client.get("/review/not-a-token/red-card").status_code == 404


def test_approval_checks_what_the_reviewer_saw(data_copy):
    string = find("red-card", "ko", "red-card:front.title")
    with pytest.raises(TranslationError, match="changed since"):
        approve("red-card", "ko", f"{NAME}, {ROLE}", {string.id: "0" * 24})
    assert read_reviews("red-card", "ko")["front.title"].state == "draft"  # nothing written
    with pytest.raises(TranslationError, match="not a string of this page"):
        approve("red-card", "ko", f"{NAME}, {ROLE}", {"know-your-rights:title": "x"})
    approve("red-card", "ko", f"{NAME}, {ROLE}", {string.id: seen_print(string)})
    review = read_reviews("red-card", "ko")["front.title"]
    assert (review.state, review.by) == ("reviewed", f"{NAME}, {ROLE}")
    with pytest.raises(TranslationError, match="already reviewed"):
        sign("ko", "Someone Else", [string.id], seen={string.id: seen_print(string)})
    assert read_reviews("red-card", "ko")["front.title"].by == f"{NAME}, {ROLE}"


def test_the_approve_rest_form_signs_only_what_its_page_listed(data_copy, tmp_path):
    app, client = _client(tmp_path)
    with client:
        token, _ = app.web.reviews.invite("ko", NAME, ROLE)
        page = client.get(f"/review/{token}/red-card").text
        other = find("know-your-rights", "ko", translated_strings("know-your-rights", "ko")[0].id)
        rest = f"{other.id} {seen_print(other)}"
        answer = client.post(
            f"/review/{token}/red-card", data={"csrf_token": _csrf(page), "action": "approve-rest", "rest": rest}
        )
        assert answer.status_code == 400
        assert "not a string of this page" in answer.text
        assert all(r.state == "draft" for r in read_reviews("know-your-rights", "ko").values())


def _make_stale(data_copy, old: str, new: str) -> None:
    english = data_copy / "content" / "red-card" / "en.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.pdf
def test_a_stale_string_is_corrected_and_only_its_own_problems_are_shown(data_copy):
    _make_stale(data_copy, "title: Know your rights", "title: Know your rights today")
    _make_stale(data_copy, 'hotline: "Immigrant rights hotline:"', 'hotline: "Hotline for immigrant rights:"')
    stale = {s.field for s in translated_strings("red-card", "ko") if s.state == "stale"}
    assert stale == {"front.title", "front.hotline"}
    title = find("red-card", "ko", "red-card:front.title")
    with pytest.raises(TranslationError) as refused:
        edit("red-card", "ko", title.id, "오늘 권리를 알아 두세요 213-555-0100", seen_print(title))
    assert "front.title" in str(refused.value)
    assert "front.hotline" not in str(refused.value)  # the other stale string is not this edit's problem
    edit("red-card", "ko", title.id, "오늘 여러분의 권리를 알아 두세요", seen_print(title))
    title = find("red-card", "ko", title.id)
    assert (title.state, title.text) == ("draft", "오늘 여러분의 권리를 알아 두세요")
    approve("red-card", "ko", f"{NAME}, {ROLE}", {title.id: seen_print(title)})
    assert find("red-card", "ko", title.id).state == "reviewed"


def test_a_lawyer_sees_the_claims_dates_and_approves_the_english(data_copy, tmp_path):
    app, client = _client(tmp_path)
    with client:
        token, _ = app.web.reviews.invite(SOURCE_LANGUAGE, "Pretend Lawyer", "volunteer lawyer (made up)")
        page = client.get(f"/review/{token}/red-card").text
        claim = load_claims()["ice_i205_home_entry_memo"]
        assert claim.checked.isoformat() in page
        assert claim.review_by.isoformat() in page
        seen = english_text("red-card").seen
        form = {"csrf_token": _csrf(page), "action": "approve-english", "seen": "stale" + seen}
        assert "changed since" in client.post(f"/review/{token}/red-card", data=form).text
        assert load_content("red-card", SOURCE_LANGUAGE).meta["status"] == "draft"
        form["seen"] = seen
        assert "Approved and recorded" in client.post(f"/review/{token}/red-card", data=form).text
    meta = load_content("red-card", SOURCE_LANGUAGE).meta
    assert (meta["status"], meta["reviewed_by"]) == ("reviewed", "Pretend Lawyer, volunteer lawyer (made up)")


@pytest.mark.pdf
def test_the_english_footer_changes_once_a_lawyer_approves(data_copy, tmp_path):
    from handouts.content import COMMON
    from handouts.render import Job, render
    from handouts.review import approve_english

    from . import pdfread

    unreviewed = " ".join(load_content(COMMON, SOURCE_LANGUAGE).data["strings"]["source_unreviewed"].split())

    def footer() -> str:
        path = tmp_path / "card.pdf"
        path.write_bytes(render(Job("red-card", SOURCE_LANGUAGE, "wallet")).pdf)
        return " ".join(pdfread.text(path).split())

    assert unreviewed in footer()
    approve_english("red-card", "Pretend Lawyer, volunteer lawyer (made up)", english_text("red-card").seen)
    assert unreviewed not in footer()
    _make_stale(data_copy, "title: Know your rights", "title: Know your rights today")  # the English changes
    assert load_content("red-card", SOURCE_LANGUAGE).meta["status"] == "reviewed"
    assert unreviewed in footer()  # a draft again: the lawyer approved other words


def test_the_command_line_invites_lists_comments_and_resolves_them(data_copy, tmp_path):
    from click.testing import CliRunner

    from handouts.cli import main
    from handouts.web.reviewbook import ReviewBook

    data = str(tmp_path / "web-data")
    runner = CliRunner()
    made = runner.invoke(
        main, ["translations", "invite", "--lang", "ko", "--name", NAME, "--role", ROLE, "--data", data]
    )
    assert made.exit_code == 0, made.output
    link = made.stdout.strip().splitlines()[0]
    assert link.startswith("http://127.0.0.1:8000/review/")
    book = ReviewBook(tmp_path / "web-data")
    invitation = book.by_token(link.rsplit("/", 1)[1])
    assert invitation is not None
    assert invitation.by == f"{NAME}, {ROLE}"
    book.add(invitation, "red-card:front.hotline", "comment", new="A made-up comment for this test.")
    listed = runner.invoke(main, ["translations", "comments", "--data", data])
    assert "red-card:front.hotline" in listed.output
    assert "A made-up comment for this test." in listed.output
    number = listed.output.split()[0]
    resolved = runner.invoke(
        main, ["translations", "comments", "--data", data, "--resolve", number, "--by", "Team Lead"]
    )
    assert resolved.exit_code == 0, resolved.output
    assert book.events("ko", "comment")[0].resolved_by == "Team Lead"
    assert runner.invoke(main, ["translations", "comments", "--data", data]).output.strip() == ""
    revoked = runner.invoke(main, ["translations", "revoke", invitation.id, "--data", data])
    assert revoked.exit_code == 0, revoked.output
    assert book.by_token(link.rsplit("/", 1)[1]) is None
    book.close()


def test_a_stale_string_shows_the_english_it_was_made_from_when_git_has_it(data_copy):
    import subprocess

    from handouts.review import review_groups

    content = data_copy / "content"
    git = ["git", "-C", str(content), "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "content as shipped"], check=True)
    _make_stale(data_copy, "title: Know your rights", "title: Know your rights today")
    stale = review_groups("red-card", "ko")[0]
    assert stale.key == "stale"
    assert [s.id for s in stale.strings] == ["red-card:front.title"]
    assert stale.old == {"red-card:front.title": "Know your rights"}
    assert stale.strings[0].english == "Know your rights today"
