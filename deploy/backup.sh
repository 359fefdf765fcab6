#!/usr/bin/env bash
# Back up what cannot be made again: the saved clinics and the review book (SQLite, copied
# safely while the server runs), their logos and the folder's key. Made PDFs (builds/) are a cache and are
# not backed up. Keeps the last 14 backups.
#   bash deploy/backup.sh /var/lib/handouts /var/backups/handouts
set -euo pipefail
data="${1:?the data folder, e.g. /var/lib/handouts}"
into="${2:?where backups go, e.g. /var/backups/handouts}"
keep="${KEEP:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$into"
for db in handouts.sqlite3 reviews.sqlite3; do  # reviews: review links, reviewers' edits and comments
[ -f "$data/$db" ] || continue
python3 - "$data/$db" "$work/$db" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)  # a consistent copy, even while the server writes
source.close()
target.close()
PY
done
cp -p "$data/secret.key" "$work/" 2>/dev/null || true
[ -d "$data/logos" ] && cp -rp "$data/logos" "$work/logos"
umask 077
tar -C "$work" -czf "$into/handouts-$stamp.tar.gz" .
ls -1t "$into"/handouts-*.tar.gz | tail -n +"$((keep + 1))" | xargs -r rm --
echo "$into/handouts-$stamp.tar.gz"
