"""The hosting files in deploy/ (README, "Hosting for many clinics"): the
systemd unit starts `handouts serve` with options it accepts, the units pass
`systemd-analyze verify`, the Caddyfile passes `caddy adapt --validate` where
Caddy is installed, and the backup keeps what cannot be made again."""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import main

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
HANDOUTS = Path(sys.executable).with_name("handouts")


def exec_start(unit: Path) -> list[str]:
    line = next(line for line in unit.read_text().splitlines() if line.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def test_the_unit_starts_the_page_with_options_it_accepts(monkeypatch):
    from handouts.web import server

    started = {}

    def fake(host, port, data, public, limits, echo):
        started.update(host=host, port=port, data=data, public=public, limits=limits)

    monkeypatch.setattr(server, "serve", fake)
    command = exec_start(DEPLOY / "handouts.service")
    assert command[0].endswith("/.venv/bin/handouts")
    result = CliRunner().invoke(main, command[1:])
    assert result.exit_code == 0, result.output
    assert started["host"] == "127.0.0.1"  # only Caddy reaches it
    assert started["public"] is True
    limits = started["limits"]
    assert limits.allowed_hosts == ("handouts.example.org",)
    assert limits.rate_limit == 60
    assert str(started["data"]) == "/var/lib/handouts"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed here")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    units = []
    for name in ("handouts.service", "handouts-backup.service", "handouts-backup.timer"):
        text = (DEPLOY / name).read_text()
        text = text.replace("/opt/handouts/.venv/bin/handouts", str(HANDOUTS))  # the programs must exist
        text = text.replace("/opt/handouts/deploy/backup.sh", str(DEPLOY / "backup.sh"))
        text = text.replace("WorkingDirectory=/opt/handouts", f"WorkingDirectory={tmp_path}")
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not done.stderr.strip(), done.stderr  # unknown keys and bad values are only warnings: none allowed
    (tmp_path / "bad.service").write_text("[Service]\nExecStart=/bin/true\nRestart=on-failur\n")
    bad = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "bad.service")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "restart specifier" in bad.stderr  # the check can fail


# setup.sh takes Caddy's binary out of Debian's package into .venv/tools (not installed as a service)
CADDY = Path(sys.executable).parent.parent / "tools" / "caddy"


def _caddy_validate(caddyfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CADDY), "adapt", "--config", str(caddyfile), "--adapter", "caddyfile", "--validate"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.mark.skipif(not CADDY.exists(), reason="setup.sh could not fetch Caddy from Debian on this machine")
def test_the_caddyfile_is_valid(tmp_path):
    done = _caddy_validate(DEPLOY / "Caddyfile")
    assert done.returncode == 0, done.stderr
    assert '"dial":"127.0.0.1:8000"' in done.stdout  # it proxies to the page the unit starts
    broken = tmp_path / "Caddyfile"  # and Caddy does refuse a file it cannot read
    broken.write_text((DEPLOY / "Caddyfile").read_text(encoding="utf-8").replace("}", "", 1), encoding="utf-8")
    assert _caddy_validate(broken).returncode != 0


def test_the_backup_keeps_the_clinics_their_logos_and_the_key(tmp_path):
    from handouts.web.storage import Storage

    data = tmp_path / "data"
    storage = Storage(data)
    token = storage.new_profile({"name": "Example Backup Clinic"})
    logo = storage.save_logo(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "svg")
    (data / "builds" / "x").mkdir(parents=True)
    (data / "builds" / "x" / "a.pdf").write_bytes(b"%PDF cache")
    storage.close()
    into = tmp_path / "backups"
    done = subprocess.run(
        ["bash", str(DEPLOY / "backup.sh"), str(data), str(into)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    archive = Path(done.stdout.strip())
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        tar.extractall(tmp_path / "restored", filter="data")
    assert {"./handouts.sqlite3", "./secret.key", f"./logos/{logo}"} <= names
    assert not [n for n in names if "builds" in n]  # made files are a cache
    with sqlite3.connect(tmp_path / "restored" / "handouts.sqlite3") as db:
        assert db.execute("SELECT token FROM profiles").fetchall() == [(token,)]
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
