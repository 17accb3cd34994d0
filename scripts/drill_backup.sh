#!/usr/bin/env bash
# Backup and restore drill, on the real PostgreSQL (run by CI after the tests; by hand:
# `bash scripts/drill_backup.sh`). It seeds a database with the demo programme and its uploaded
# files, backs both up (pg_dump -Fc and a tar of the private files), restores them into a new
# database and folder, and proves the copy: `migrate --check` passes, every table has as many
# rows, every file the same bytes, and the application serves a page and an uploaded file from
# the copy. It prints the sizes and times. README, « Backups », says the same steps for people.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PY=${PY:-.venv/bin/python}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
SERVER="postgres://postgres@$PG_HOST:$PG_PORT"
SRC=labparcours_drill_source
DST=labparcours_drill_restored
WORK=$(mktemp -d)

psql_admin() { psql -X -w -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atc "$1"; }
cleanup() {
  psql_admin "DROP DATABASE IF EXISTS $SRC" || true
  psql_admin "DROP DATABASE IF EXISTS $DST" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

export DJANGO_SECRET_KEY=drill-only-not-secret-7c1f0a9e4b2d8c6a5e3f1b0d9c8a7e6f
export DJANGO_DEBUG=1 LABPARCOURS_VAR_DIR="$WORK/var" CELERY_TASK_ALWAYS_EAGER=1
export DJANGO_ALLOWED_HOSTS=testserver,localhost

echo "==> Seeding $SRC with the demo programme"
psql_admin "DROP DATABASE IF EXISTS $SRC"
psql_admin "CREATE DATABASE $SRC"
export DATABASE_URL="$SERVER/$SRC" DJANGO_PRIVATE_MEDIA_ROOT="$WORK/private-source"
"$PY" manage.py migrate -v0
"$PY" manage.py seed_demo >/dev/null

echo "==> Backing up (pg_dump -Fc, tar of the private files)"
start=$(seconds)
pg_dump -Fc -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$SRC" -f "$WORK/labparcours.dump"
tar -C "$WORK/private-source" -czf "$WORK/private.tar.gz" .
backup_s=$(elapsed "$start")

echo "==> Restoring into $DST"
start=$(seconds)
psql_admin "DROP DATABASE IF EXISTS $DST"
psql_admin "CREATE DATABASE $DST"
pg_restore --no-owner --exit-on-error -h "$PG_HOST" -p "$PG_PORT" -U postgres -d "$DST" \
  "$WORK/labparcours.dump"
mkdir -p "$WORK/private-restored"
tar -C "$WORK/private-restored" -xzf "$WORK/private.tar.gz"
restore_s=$(elapsed "$start")

echo "==> Checking the copy"
export DATABASE_URL="$SERVER/$DST" DJANGO_PRIVATE_MEDIA_ROOT="$WORK/private-restored"
"$PY" manage.py migrate --check >/dev/null || { echo "DRILL FAILED: migrations differ" >&2; exit 1; }
DRILL_SOURCE="$SERVER/$SRC" DRILL_SOURCE_FILES="$WORK/private-source" "$PY" - <<'PYTHON'
import hashlib
import os
import sys
from pathlib import Path

import django
import psycopg2

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labparcours.settings")
django.setup()

from django.conf import settings
from django.test import Client

from labparcours.models import User
from threads.models import Attachment


def counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(name for (name,) in cursor.fetchall())
        result = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 — names from the catalogue
            result[table] = cursor.fetchone()[0]
        return result


def digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


failures = []
source, restored = counts(os.environ["DRILL_SOURCE"]), counts(os.environ["DATABASE_URL"])
if source != restored:
    failures.append(f"row counts differ: {set(source.items()) ^ set(restored.items())}")
with psycopg2.connect(os.environ["DATABASE_URL"]) as connection, connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
    (triggers,) = cursor.fetchone()
if not triggers:
    failures.append("the ledgers' and the access log's triggers were not restored")
files_before = digests(Path(os.environ["DRILL_SOURCE_FILES"]))
files_after = digests(Path(settings.PRIVATE_MEDIA_ROOT))
if files_before != files_after or not files_after:
    failures.append("the private files differ (or there are none)")

client = Client()
client.force_login(User.objects.get(email="medecin@demo.test"))
page = client.get("/mes-patients/")
if page.status_code != 200 or "LAMBERT" not in page.content.decode():
    failures.append(f"« Mes patients » answered {page.status_code} from the copy")
photo = Attachment.objects.filter(message__thread__patient__last_name="Lambert").first()
if photo is None:
    failures.append("the demo's thread photo is missing from the copy")
else:
    download = client.get(f"/pieces-jointes/{photo.pk}/")
    served = b"".join(download.streaming_content) if download.status_code == 200 else b""
    if hashlib.sha256(served).hexdigest() != files_after.get(photo.file.name):
        failures.append(f"the thread photo was not served from the copy ({download.status_code})")

print(
    f"tables: {len(restored)}, rows: {sum(restored.values())}, triggers: {triggers}, "
    f"private files: {len(files_after)}"
)
if failures:
    print("DRILL FAILED: " + "; ".join(failures), file=sys.stderr)
    sys.exit(1)
PYTHON

dump_kb=$(($(stat -c %s "$WORK/labparcours.dump") / 1024))
files_kb=$(($(stat -c %s "$WORK/private.tar.gz") / 1024))
echo "backup: ${backup_s} s (database dump ${dump_kb} kB, private files ${files_kb} kB)"
echo "restore: ${restore_s} s; migrate --check, row counts, files and serving: passed"
