#!/usr/bin/env bash
# Two `vern tick` processes at once on PostgreSQL send each notice once (issue 10, "Bad input
# and faults"). On a fresh demo database (vern_bench_ticks, dropped at the end): one tick
# alone, then, on another fresh copy, two tick processes that start their work at the same
# second (each sets Django up, then waits for an agreed time, then runs the tick command),
# then a third tick. Each tick sends one digest mail per person; the notices listed in the
# mails (console backend) of the two ticks together must be exactly those of the one tick
# alone, none repeated, and the third must send nothing.
#
# Usage: bash bench/two_ticks.sh   (TWO_TICKS_DB=name picks another database name)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WORK=$(mktemp -d /tmp/vern-two-ticks-XXXXXX)
PG=postgres://postgres@127.0.0.1:5432
export VERN_DEMO=true VERN_DATA_DIR="$WORK/data"
export EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
DB=${TWO_TICKS_DB:-vern_bench_ticks}
export DATABASE_URL="$PG/$DB"

admin() { uv run python -c "import psycopg, sys
with psycopg.connect('$PG/postgres', autocommit=True) as c: c.execute(sys.argv[1])" "$1"; }
fresh() {
    admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
    admin "CREATE DATABASE $DB"
    uv run vern demo --no-serve > /dev/null
}
trap 'admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"; rm -rf "$WORK"' EXIT

fresh
uv run vern tick > "$WORK/one.out"
tick_at() {
    uv run python -c "import os, sys, time
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'vern.settings')
import django
django.setup()
from django.core.management import call_command
time.sleep(max(0, float(sys.argv[1]) - time.time()))
call_command('tick')" "$1"
}
fresh
START=$(($(date +%s) + 10))
tick_at $START > "$WORK/a.out" & A=$!
tick_at $START > "$WORK/b.out" & B=$!
wait $A && wait $B
grep -h '^vern\.' "$WORK/a.out" | sed 's/^/  tick A: /'
grep -h '^vern\.' "$WORK/b.out" | sed 's/^/  tick B: /'
uv run vern tick > "$WORK/c.out"

uv run python - "$WORK" <<'PY'
import collections, email, re, sys
from pathlib import Path

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

def notices(name):
    """(recipient, notice subject, notice text) of every notice listed in the digests."""
    found = []
    for chunk in re.split(r"^-{79}$", (Path(sys.argv[1]) / name).read_text(), flags=re.M):
        start = chunk.find("Content-Type:")
        if start < 0:
            continue
        message = email.message_from_string(chunk[start:])
        body = message.get_payload(decode=True).decode()
        # Service ids are random UUIDs, new with each demo load.
        body = re.sub(UUID, "<uuid>", body)
        item = None
        for line in body.splitlines() + ["--"]:
            if line.startswith(("* ", "== ", "--")):
                if item:
                    found.append((message["To"], item[0], "\n".join(item[1:]).strip()))
                item = [line[2:]] if line.startswith("* ") else None
            elif item is not None:
                item.append(line)
    return collections.Counter(found)

one, both = notices("one.out"), notices("a.out") + notices("b.out")
third = notices("c.out")
repeated = sum(n - 1 for n in both.values())
print(f"one tick alone: {one.total()} notices; two ticks at once: {both.total()} notices, "
      f"{repeated} repeated, the same as one alone: {one == both}; a third tick: {third.total()}")
sys.exit(0 if one == both and not repeated and not third and one.total() else 1)
PY
uv run vern audit verify
