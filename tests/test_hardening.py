"""Hostile and careless input: paths that try to escape, files that never end,
bombs, spoofed links, concurrent builds, crashes. Each must give a one-line
error (or be handled), never a traceback, a hang or a file outside --out."""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from handouts.batch import office_folder, read_offices, slugify
from handouts.build import build
from handouts.cli import main
from handouts.clinic.logo import LOGO_MAX_PIXELS
from handouts.clinic.profile import ProfileError
from handouts.clinic.toml import load_profile
from handouts.clinic.validate import make_profile
from handouts.errors import ContentError
from handouts.plan import plan
from handouts.yamlfile import load_yaml

PYTHON = sys.executable


def run_limited(code: str, memory_mb: int = 600, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run Python code in a child with an address-space limit, so a regression
    fails instead of eating the machine."""
    import resource

    limit = memory_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, timeout=timeout, preexec_fn=cap, check=False
    )


def csv_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "offices.csv"
    path.write_text(body, encoding="utf-8", newline="")
    return path


# --- 1. slugs ---------------------------------------------------------------------------------


def test_a_slug_can_never_leave_the_output_folder(tmp_path):
    path = csv_file(tmp_path, 'name,slug\nA,../x\nB,/abs/path\nC,.\nD,"a\x00b"\nE,..\\\\..\\\\win\n')
    offices, failures, _ = read_offices(path)
    assert not failures
    out = tmp_path / "out"
    for office in offices:
        folder = office_folder(out, office.slug)
        assert folder.resolve().parent == out.resolve(), office.slug
        assert not office.slug.startswith(".")
        assert "/" not in office.slug
        assert "\x00" not in office.slug
    assert len(slugify("x" * 500)) <= 60


def test_slugs_that_collide_after_normalising_are_an_error_naming_both_rows(tmp_path):
    path = csv_file(tmp_path, "name,slug\nNorth,north\nOther,./north\nThird,north/\n")
    offices, failures, _ = read_offices(path)
    assert [o.row for o in offices] == [2]
    assert [f.row for f in failures] == [3, 4]
    assert all("row 2" in f.error and "'north'" in f.error for f in failures)


# --- 2. logos -------------------------------------------------------------------------------


def test_dev_zero_and_a_fifo_as_logo_are_refused_at_once(tmp_path):
    fifo = tmp_path / "logo.png"
    os.mkfifo(fifo)
    signal.alarm(10)  # a hang fails the test instead of stalling the run
    try:
        for logo, anywhere in (("/dev/zero", True), ("logo.png", False)):
            with pytest.raises(ProfileError, match="not a regular file"):
                make_profile({"name": "X", "logo": logo}, "clinic.toml", tmp_path, logo_anywhere=anywhere)
    finally:
        signal.alarm(0)


def test_a_logo_outside_the_profile_folder_needs_the_flag(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    image = io.BytesIO()
    Image.new("RGB", (40, 20), "#1d4ed8").save(image, "PNG")
    (outside / "logo.png").write_bytes(image.getvalue())
    folder = tmp_path / "profiles"
    folder.mkdir()
    with pytest.raises(ProfileError, match="--logo-anywhere"):
        make_profile({"name": "X", "logo": "../elsewhere/logo.png"}, "clinic.toml", folder)
    assert make_profile(
        {"name": "X", "logo": "../elsewhere/logo.png"}, "clinic.toml", folder, logo_anywhere=True
    ).logo_uri


def test_truncated_png_is_an_error_and_a_huge_one_is_scaled_down(tmp_path):
    image = io.BytesIO()
    Image.effect_noise((300, 300), 60).convert("RGB").save(image, "PNG")
    (tmp_path / "cut.png").write_bytes(image.getvalue()[: len(image.getvalue()) // 2])
    with pytest.raises(ProfileError, match="damaged or cut short"):
        make_profile({"name": "X", "logo": "cut.png"}, "clinic.toml", tmp_path)
    big = io.BytesIO()
    Image.new("RGB", (4000, 2000), "#1d4ed8").save(big, "PNG")
    (tmp_path / "big.png").write_bytes(big.getvalue())
    uri = make_profile({"name": "X", "logo": "big.png"}, "clinic.toml", tmp_path).logo_uri
    embedded = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert max(embedded.size) == LOGO_MAX_PIXELS


# --- 3. YAML alias bombs ---------------------------------------------------------------------


def test_yaml_alias_bomb_is_refused_with_its_line_within_a_memory_limit(tmp_path):
    bomb = tmp_path / "es.yaml"
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for name, previous in zip("bcdefghij", "abcdefghi", strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_limited(
        textwrap.dedent(f"""
        from pathlib import Path
        from handouts.errors import ContentError
        from handouts.yamlfile import load_yaml
        try:
            load_yaml(Path({str(bomb)!r}))
        except ContentError as exc:
            print(exc)
    """)
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert f"{bomb}:2: YAML aliases (*a) are not allowed" in result.stdout
    with pytest.raises(ContentError):
        load_yaml(bomb)


# --- 4. SVG in other encodings, and deeply nested ---------------------------------------------


def test_utf16_svg_with_entities_and_deep_svg_are_refused(tmp_path):
    laughs = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>'
    )
    (tmp_path / "laughs.svg").write_bytes(laughs.encode("utf-16"))
    deep = '<svg xmlns="http://www.w3.org/2000/svg">' + "<g>" * 3000 + "</g>" * 3000 + "</svg>"
    (tmp_path / "deep.svg").write_text(deep, encoding="utf-8")
    with pytest.raises(ProfileError, match="DOCTYPE or entities"):
        make_profile({"name": "X", "logo": "laughs.svg"}, "clinic.toml", tmp_path)
    with pytest.raises(ProfileError, match="nests elements"):
        make_profile({"name": "X", "logo": "deep.svg"}, "clinic.toml", tmp_path)


# --- 5. CSV -------------------------------------------------------------------------------------


def test_csv_cells_may_span_lines_and_separators_are_detected(tmp_path):
    path = csv_file(tmp_path, 'Name;Address;Notes\n"North";"1 Main St\nSuite 2";x\n"South\u2028Annex";"2 Main";y\n')
    offices, failures, warnings = read_offices(path)
    assert not failures
    # a line break in a cell is read as a space (an address's as ", "): no name adds a line to PRINT-ME-FIRST
    assert [o.profile.name for o in offices] == ["North", "South Annex"]
    assert offices[0].profile.address == "1 Main St, Suite 2"
    assert len(warnings) == 1
    assert "Notes" in warnings[0]


def test_two_sites_of_one_clinic_get_a_folder_each_but_a_slug_given_twice_is_an_error(tmp_path):
    """Issue 24, item 18: two rows with the same name and no slug are both made,
    in folders of their own; the same slug written in two rows is a mistake to name."""
    path = csv_file(tmp_path, "name,phone\nValley Clinic,(818) 555-0101\nValley Clinic,(818) 555-0102\n")
    offices, failures, _ = read_offices(path)
    assert not failures
    assert [o.slug for o in offices] == ["valley-clinic", "valley-clinic-2"]
    assert [o.profile.phone for o in offices] == ["(818) 555-0101", "(818) 555-0102"]
    given = csv_file(tmp_path, "name,slug\nNorth,site\nSouth,site\n")
    offices, failures, _ = read_offices(given)
    assert [o.slug for o in offices] == ["site"]
    assert "its folder 'site' is also row 2's" in failures[0].error


def test_ragged_rows_and_huge_cells_are_errors_naming_the_row(tmp_path):
    path = csv_file(tmp_path, "name,phone\nA,(213) 555-0100,extra\nB,(213) 555-0101\n")
    offices, failures, _ = read_offices(path)
    assert [o.row for o in offices] == [3]
    assert failures[0].row == 2
    assert "3 cell(s), but the header has 2" in failures[0].error
    huge = csv_file(tmp_path, "name\n" + "x" * 200_000 + "\n")
    with pytest.raises(ContentError, match="row 2"):
        read_offices(huge)


# --- 6. links -----------------------------------------------------------------------------------


@pytest.mark.parametrize("link", ["https://example.org/\u202egro.live", "https://exa\u200bmple.org/video"])
def test_spoofed_links_are_refused(tmp_path, link):
    with pytest.raises(ProfileError, match="invisible or direction-changing"):
        make_profile({"name": "X", "telehealth": link}, "clinic.toml", tmp_path)


def test_an_international_host_prints_as_the_qr_code_opens_it(tmp_path):
    profile = make_profile({"name": "X", "website": "https://bücher.example/visit"}, "clinic.toml", tmp_path)
    assert profile.website == "https://xn--bcher-kva.example/visit"


# --- 7. phones ------------------------------------------------------------------------------------


def test_non_us_phone_keeps_its_country_code(tmp_path):
    assert make_profile({"name": "X", "phone": "+52 664 123 4567"}, "c", tmp_path).phone == "+52 664 123 4567"
    assert make_profile({"name": "X", "phone": "213-555-0100"}, "c", tmp_path).phone == "(213) 555-0100"


# --- 8. concurrency, file modes, workers and temporary folders ---------------------------------------


def handouts_command(*args: str) -> list[str]:
    return [PYTHON, "-m", "handouts.cli", *args]


@pytest.mark.pdf
def test_two_builds_into_one_folder_both_land_in_the_manifest(tmp_path):
    out = tmp_path / "out"
    first = subprocess.Popen(handouts_command("build", "-H", "red-card", "-l", "en", "-o", str(out), "-j", "1"))
    second = subprocess.Popen(handouts_command("build", "-H", "pharmacy", "-l", "en", "-o", str(out), "-j", "1"))
    assert first.wait(timeout=120) == 0
    assert second.wait(timeout=120) == 0
    listed = {entry["path"] for entry in json.loads((out / "manifest.json").read_text())["files"]}
    assert listed == {"en/red-card-wallet.pdf", "en/pharmacy-letter.pdf"}
    assert not list(out.rglob("*.part"))


@pytest.mark.pdf
def test_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        report = build(plan(["red-card"], ["en"]), tmp_path)
    finally:
        os.umask(old)
    assert (report.written[0].path.stat().st_mode & 0o777) == 0o644
    assert ((tmp_path / "manifest.json").stat().st_mode & 0o777) == 0o644


@pytest.mark.pdf
def test_no_temporary_folders_or_workers_outlive_a_build(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    done = subprocess.run(
        handouts_command("build", "-H", "red-card", "-H", "pharmacy", "-l", "en", "-o", str(tmp_path / "a"), "-j", "2"),
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert list(scratch.iterdir()) == []

    killed = subprocess.Popen(
        handouts_command("build", "-l", "en", "-o", str(tmp_path / "b"), "-j", "2"), env=env, stderr=subprocess.DEVNULL
    )
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children) < 2:
        time.sleep(0.2)
        for task in Path(f"/proc/{killed.pid}/task").glob("*"):
            children |= {int(p) for p in (task / "children").read_text().split()}
    assert len(children) >= 2, "the build never started its workers"
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        time.sleep(0.2)
    alive = [
        pid
        for pid in children
        if Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:3]
    ]
    assert not alive, [Path(f"/proc/{pid}/cmdline").read_bytes()[:200] for pid in alive]
    # the next run clears what the killed one left behind
    subprocess.run(
        handouts_command("build", "-H", "red-card", "-l", "en", "-o", str(tmp_path / "b")),
        env=env,
        capture_output=True,
        check=True,
    )
    assert list(scratch.iterdir()) == []
    assert not list((tmp_path / "b").rglob("*.part"))


# --- 9. one-line errors, not tracebacks ------------------------------------------------------------


def one_line_error(*args: str, env: dict | None = None) -> str:
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error:"), result.stderr
    return result.stderr


def test_unwritable_output_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    message = one_line_error("build", "-H", "red-card", "-l", "es", "-o", str(blocker / "out"))
    assert str(blocker) in message


@pytest.mark.pdf
def test_a_full_disk_is_a_one_line_error_and_the_manifest_stays_true(tmp_path, monkeypatch):
    import errno

    out = tmp_path / "out"
    assert not build(plan(["pharmacy"], ["en"]), out).failed
    real_replace = os.replace

    def full(source, target):
        if str(target).endswith(".pdf"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full)
    result = CliRunner().invoke(main, ["build", "-H", "red-card", "-l", "en", "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "red-card-wallet.pdf: cannot be written (No space left on device)" in result.stderr
    assert not (out / "en" / "red-card-wallet.pdf").exists()
    assert not list(out.rglob("*.part"))
    listed = {entry["path"] for entry in json.loads((out / "manifest.json").read_text())["files"]}
    assert listed == {"en/pharmacy-letter.pdf"}  # the manifest lists what is there, and only that


@pytest.mark.pdf
def test_a_disk_full_when_the_manifest_is_written_leaves_no_unlisted_pdf(tmp_path, monkeypatch):
    """Issue 24, item 16: the manifest is written before the PDF appears; when
    the manifest cannot be written, the new PDF does not appear either."""
    import errno

    out = tmp_path / "out"
    assert not build(plan(["pharmacy"], ["en"]), out).failed
    real_replace = os.replace

    def full(source, target):
        if str(target).endswith("manifest.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full)
    result = CliRunner().invoke(main, ["build", "-H", "red-card", "-l", "en", "-o", str(out), "-j", "1"])
    assert result.exit_code == 1
    assert "manifest.json: cannot be written (No space left on device)" in result.stderr
    assert not (out / "en" / "red-card-wallet.pdf").exists()
    assert not list(out.rglob("*.part"))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")}
    listed = {entry["path"] for entry in json.loads((out / "manifest.json").read_text())["files"]}
    assert on_disk == listed == {"en/pharmacy-letter.pdf"}


def test_bad_profiles_and_settings_are_one_line_errors(tmp_path):
    (tmp_path / "cp1252.toml").write_bytes('name = "Clínica"\n'.encode("cp1252"))
    assert "not UTF-8" in one_line_error(
        "build", "-H", "red-card", "-l", "es", "-p", str(tmp_path / "cp1252.toml"), "-o", str(tmp_path / "o")
    )
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    assert "loop.toml" in one_line_error("build", "-H", "red-card", "-p", str(loop), "-o", str(tmp_path / "o"))
    (tmp_path / "long.toml").write_text(f'name = "{"N" * 5000}"\n', encoding="utf-8")
    message = one_line_error(
        "build", "-H", "red-card", "-l", "es", "-p", str(tmp_path / "long.toml"), "-o", str(tmp_path / "o")
    )
    assert "field 'name': this field has 5,000 characters" in message
    assert "not a number" in one_line_error(
        "packet", "-l", "es", "-o", str(tmp_path / "o"), env={"SOURCE_DATE_EPOCH": "yesterday"}
    )
    assert "does not exist" in one_line_error("init-profile", str(tmp_path / "missing" / "clinic.toml"))


def test_load_profile_reports_a_missing_file_by_name(tmp_path):
    with pytest.raises(ProfileError, match="init-profile"):
        load_profile(tmp_path / "nope.toml")


@pytest.mark.pdf
def test_a_build_removes_only_temporary_files_of_dead_handouts_runs(tmp_path):
    theirs = tmp_path / ".report.docx.part"  # another program's, in the same folder (--out .)
    theirs.write_text("keep me")
    dead = subprocess.run(
        [PYTHON, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    ours = tmp_path / "en" / f".red-card-wallet.pdf.handouts-{dead}-abc.part"
    ours.parent.mkdir()
    ours.write_text("left by a killed build")
    assert not build(plan(["red-card"], ["en"]), tmp_path).failed
    assert theirs.read_text() == "keep me"
    assert not ours.exists()


@pytest.mark.pdf
def test_a_batch_removes_what_a_killed_batch_left_half_written(tmp_path):
    """Issue 24, item 17: a batch killed while writing OUT/.fits.json leaves its
    temporary copy; the next batch into OUT removes it (and only it)."""
    dead = subprocess.run(
        [PYTHON, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    out = tmp_path / "out"
    out.mkdir()
    ours = out / f".fits.json.handouts-{dead}-abc.part"
    ours.write_text("left by a killed batch")
    theirs = out / ".notes.txt.part"
    theirs.write_text("keep me")
    rows = csv_file(tmp_path, 'name,phone\n"Example Test Clinic","(213) 555-0100"\n')
    result = CliRunner().invoke(
        main, ["batch", str(rows), "-o", str(out), "-H", "red-card", "-l", "en", "--packets", "no"]
    )
    assert result.exit_code == 0, result.output
    assert not ours.exists()
    assert theirs.read_text() == "keep me"


@pytest.mark.pdf
def test_a_clinics_own_text_is_printed_verbatim_braces_and_all(tmp_path):
    """Issue 24, item 10: braces in the clinic's details are its own words, never
    placeholders: `{fact:...}` prints as typed, an unknown `{...}` is no error, in
    every handout (one language each), a packet and the tri-fold."""
    from pypdf import PdfReader

    from handouts.content import handout_keys
    from handouts.packet.build import build_packets
    from handouts.trifold import trifold

    values = {
        "name": "Clinic {fact:nurse_line} {nope}",
        "address": "1 {fact:x} St, Los Angeles, CA 90012",
        "phone": "(213) 555-0100",
        "hours": "Mon {hours}",
        "message_es": "Hola {say:z}",
    }
    profile = make_profile(values, "clinic", tmp_path)

    def text(pdf: bytes | Path) -> str:
        reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
        return " ".join(page.extract_text() or "" for page in reader.pages)

    report = build(plan(list(handout_keys()), ["es"], profile=profile), tmp_path / "out")
    made = [r for r in report.results if r.path is not None]
    assert len(made) == len(report.results) >= len(handout_keys())
    for result in report.results:
        assert result.error is None, result.job.label
        assert "Clinic {fact:nurse_line} {nope}" in text(result.path), result.job.label
    packet = build_packets(["es"], tmp_path / "packets", profile, None)[0]
    assert "Hola {say:z}" in text(packet)
    assert "Clinic {fact:nurse_line} {nope}" in text(trifold("es", profile)[0])
