"""The library's own words (words.py) in the reader's language: its catalogue
is complete for Spanish, what a Spanish reader is shown comes out in Spanish
(a field's problem, a file's title and how to print it, PRINT-ME-FIRST, the
reprint list's reasons), and nothing changes for the command line (English)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from handouts.changes import reasons
from handouts.clinic.profile import ProfileError
from handouts.clinic.validate import make_profile
from handouts.handover import card_sheet_printable, handout_printable, packet_printable, print_me_first
from handouts.web import i18n
from handouts.words import active, current, read_catalogue

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "handouts" / "locale" / "es" / "LC_MESSAGES" / "handouts.po"


def test_every_library_string_has_a_spanish_translation(tmp_path):
    """Extract the library's strings as a translator would (pybabel, handouts/locale/babel.cfg):
    the Spanish catalogue has each one, with the same placeholders, and passes msgfmt --check."""
    pot = tmp_path / "handouts.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    config = ROOT / "handouts" / "locale" / "babel.cfg"
    subprocess.run([str(pybabel), "extract", "-F", str(config), "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as handle:
        wanted = [m.id for m in read_po(handle) if m.id]
    assert len(wanted) > 80  # the handover, the profile checks, the logo checks, sizes, handout names
    assert "'%(phone)s' is not a valid phone number; write it like (213) 555-0100." in wanted
    with CATALOGUE.open("rb") as handle:
        spanish = {m.id: m.string for m in read_po(handle, locale="es") if m.id and not m.fuzzy}
    assert not [m for m in wanted if not spanish.get(m)]
    for message in wanted:
        assert set(re.findall(r"%\((\w+)\)s", str(spanish[message]))) == set(re.findall(r"%\((\w+)\)s", message))
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], check=True)


def test_the_catalogue_says_it_is_a_draft():
    """Translations we write are drafts: the catalogue's header says so, and names no reviewer."""
    head = CATALOGUE.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "not yet reviewed by a person" in head


def _problems(tmp_path: Path, **fields: str) -> str:
    with pytest.raises(ProfileError) as error:
        make_profile({"name": "Clínica", **fields}, "clinic.toml", tmp_path)
    return str(error.value)


def test_a_field_problem_in_the_readers_language(tmp_path):
    english = _problems(tmp_path, phone="213-KOREA-0", color="#ffff00")
    assert "field 'phone': '213-KOREA-0' is not a valid phone number; write it like (213) 555-0100." in english
    assert "it needs at least 4.5:1 to be readable" in english
    with active("es"):
        spanish = _problems(tmp_path, phone="213-KOREA-0", color="#ffff00", message_ko="ᠮᠣᠩ")
    assert current() == "en"  # only inside the block
    assert "«213-KOREA-0» no es un número de teléfono válido; escríbalo así: (213) 555-0100." in spanish
    assert "necesita al menos 4.5:1 para leerse bien" in spanish
    assert "no se puede imprimir con las fuentes del coreano" in spanish
    assert "is not a valid" not in spanish
    assert "field 'phone'" in spanish  # the field's own name, as the form and the CSV call it


def test_what_is_handed_over_in_the_readers_language():
    english = handout_printable("es/x.pdf", "know-your-rights", ["ko", "es"], "half-letter", 3, "large-print")
    assert english.what == "Know your rights, Korean (한국어), Spanish (Español), large print"
    assert english.paper == "Half Letter 5.5 x 8.5 in"
    with active("es"):
        flyer = handout_printable("es/x.pdf", "know-your-rights", ["ko", "es"], "half-letter", 3, "large-print")
        packet = packet_printable("packets/packet-es-with-en.pdf", "es", "en", 12)
        sheet = card_sheet_printable("sheets/s.pdf", "20 tarjetas", 2, "avery-5371")
        text = print_me_first([flyer, packet, sheet], "Clínica del Valle", "2026-12-04")
    assert flyer.what == "Conozca sus derechos, Coreano (한국어), Español, letra grande"
    assert flyer.paper == "Media carta 5.5 x 8.5 pulg."
    assert flyer.how.startswith("Imprima a doble cara, volteando por el borde largo: 3 páginas en 2 hojas.")
    assert packet.what.startswith("Paquete de folletos para pacientes en español, cada página seguida de inglés")
    assert sheet.paper.startswith("Tarjetas de presentación Avery 5371")
    assert text.startswith("IMPRÍMAME PRIMERO: Clínica del Valle\nHecho con handouts")
    assert "3 archivo(s), 19 página(s) para imprimir." in text
    assert "no asesoría legal" in text
    assert not re.search(r"\b(Print|Paper|pages?|the)\b", text)  # nothing left in English


def test_reprint_reasons_name_the_fact_by_its_label():
    old = {"fact:lacare_nurse_advice_line": "a", "profile": "p", "text:know-your-rights/es.yaml": "t"}
    new = {**old, "fact:lacare_nurse_advice_line": "b", "profile": "q", "text:know-your-rights/es.yaml": "u"}
    new["claim:sb81"] = "c"
    english = reasons(old, new)
    assert "L.A. Care Nurse Advice Line (fact lacare_nurse_advice_line) changed" in english
    assert "the clinic profile changed" in english
    assert "the Spanish text of Know your rights (know-your-rights/es.yaml) changed" in english
    assert "now uses the statement of law sb81" in english
    with active("es"):
        spanish = reasons(old, new)
    assert "cambió L.A. Care Nurse Advice Line (dato lacare_nurse_advice_line)" in spanish
    assert "cambió los datos de la clínica" in spanish
    assert "cambió el texto en español de «Conozca sus derechos» (know-your-rights/es.yaml)" in spanish


def test_a_count_takes_the_form_its_language_needs(tmp_path):
    """Plural forms follow each catalogue's own rule (Babel), so a language with
    three forms can be added: a made-up Russian catalogue, as a translator writes it."""
    path = tmp_path / "handouts.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "%(num)s file"\nmsgid_plural "%(num)s files"\n'
        'msgstr[0] "%(num)s файл"\nmsgstr[1] "%(num)s файла"\nmsgstr[2] "%(num)s файлов"\n',
        encoding="utf-8",
    )
    catalogue = read_catalogue(path, "ru")
    forms = {n: catalogue.ngettext("%(num)s file", "%(num)s files", n) for n in (1, 3, 5, 21, 11)}
    assert forms == {
        1: "%(num)s файл",
        3: "%(num)s файла",
        5: "%(num)s файлов",
        21: "%(num)s файл",
        11: "%(num)s файлов",
    }
    done = ("%(done)s of %(total)s file done.", "%(done)s of %(total)s files done.")
    with active("es"):  # the page's Spanish catalogue, by its own rule (nplurals=2)
        assert i18n.ngettext(*done, 1).endswith("archivo listo.")
        assert i18n.ngettext(*done, 3).endswith("archivos listos.")
