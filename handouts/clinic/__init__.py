"""Clinic profiles: a clinic's own name, address, phone, hours, links, logo and
colour, printed in a band on every handout.

A profile is a small TOML file (`handouts init-profile` writes a commented
example). Everything in it is checked before anything is printed: the phone
number is parsed and formatted, the colour must leave white text readable
(WCAG AA, 4.5:1), links must be https, and an SVG logo is cleaned of scripts
and outside references (it is never fetched from anywhere).

- `profile`: the `Profile` record and its fields; no file is read there.
- `validate`: `make_profile`, the checks of every field.
- `logo`: the logo file, untrusted input made safe to print.
- `toml`: `load_profile` reads a profile file; `EXAMPLE` is the one `init-profile` writes.

Import each name from its module; nothing is re-exported here, so that the
record (imported by every layer above) does not load the logo and validation
code with it.
"""
