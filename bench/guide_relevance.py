"""Relevance of the public guide (issue 13): judged queries scored on the real page.

Builds a fresh database (SQLite in a temporary directory), loads the demo
(Eksempelby, 9999, with the shipped national services), and sends every query
of ``bench/data/guide_queries.tsv`` through the public search page as a person
would: ``GET /sok/?kommune=9999&q=…`` (``/<lang>/sok/`` for the other
languages) with Django's test client. The services are read from the page in
the order a person sees them: the "best match" first, then the tiers.

A query succeeds when one of the first three services shown fits (its shown
name, or the entry's own bokmål name, contains one of the ``good`` names) and
the first service shown is none of the ``wrong1`` ones. Printed per language
and overall: success in the top 3, wrong service first, no results at all.
The last line is the summary other tools read:

    guide_relevance queries=N success3=<share> wrong_first=<n> zero_results=<n>

    uv run python bench/guide_relevance.py            # summary per language
    uv run python bench/guide_relevance.py --failures # also each failing query
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "data" / "guide_queries.tsv"
LANGUAGES = ("nb", "nn", "en", "se", "pl", "uk", "ar", "so")
CARD = re.compile(r'id="card-([0-9a-f-]{36})"><a [^>]*>(.*?)</a>', re.S)


@dataclass
class Judged:
    lang: str
    query: str
    who: str
    good: list[str]
    wrong: list[str]


@dataclass
class Outcome:
    judged: Judged
    shown: list[tuple[str, str]] = field(default_factory=list)  # (shown name, own name)

    @staticmethod
    def _fits(names: tuple[str, str], wanted: list[str]) -> bool:
        text = " ".join(names).casefold()
        return any(w.casefold() in text for w in wanted)

    @property
    def zero(self) -> bool:
        return not self.shown

    @property
    def wrong_first(self) -> bool:
        return bool(self.shown) and self._fits(self.shown[0], self.judged.wrong)

    @property
    def success(self) -> bool:
        top = self.shown[:3]
        return any(self._fits(names, self.judged.good) for names in top) and not self.wrong_first


def read_queries(path: Path = QUERIES) -> list[Judged]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = csv.reader((line for line in lines if not line.startswith("#")), delimiter="\t")
    next(rows)  # the header
    found = []
    for row in rows:
        row += [""] * (5 - len(row))
        lang, query, who, good, wrong = row[:5]
        found.append(
            Judged(
                lang,
                query,
                who,
                [g for g in good.split("|") if g],
                [w for w in wrong.split("|") if w],
            )
        )
    return found


def configure(workdir: Path) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "vern.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'relevance.sqlite3'}",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "testserver",
            "VERN_FERNET_KEYS": Fernet.generate_key().decode(),
            "VERN_AUDIT_KEYS": "bench-audit-" + Fernet.generate_key().decode(),
            "SECURE_SSL_REDIRECT": "false",
            "VERN_DATA_DIR": str(workdir),
            "STATIC_ROOT": str(workdir / "static"),
            "VERN_LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from vern.core.demo import load_demo

    load_demo(password="bench-relevance-1")  # noqa: S106 (a throwaway database)


def run_query(client, judged: Judged, names: dict[str, str]) -> Outcome:
    prefix = "" if judged.lang == "nb" else f"/{judged.lang}"
    response = client.get(f"{prefix}/sok/", {"kommune": "9999", "q": judged.query})
    if response.status_code != 200:
        raise SystemExit(f"{judged.lang} {judged.query!r}: status {response.status_code}")
    outcome = Outcome(judged)
    seen = set()
    for pk, shown in CARD.findall(response.content.decode()):
        if pk in seen:  # the best match is not shown again in its tier
            continue
        seen.add(pk)
        outcome.shown.append(
            (html.unescape(re.sub(r"<[^>]+>", "", shown)).strip(), names.get(pk, ""))
        )
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--failures", action="store_true", help="print each failing query")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    queries = read_queries()
    with tempfile.TemporaryDirectory(prefix="vern-relevance-") as tmp:
        configure(Path(tmp))
        from django.test import Client

        from vern.directory.models import Service

        names = {str(pk): name for pk, name in Service.objects.values_list("pk", "name")}
        client = Client()
        outcomes = [run_query(client, judged, names) for judged in queries]
        from django.db import connections

        connections.close_all()

    print(f"{'language':<8} {'queries':>7} {'success3':>9} {'wrong_first':>11} {'zero':>5}")
    for lang in (*LANGUAGES, "all"):
        chosen = [o for o in outcomes if lang in ("all", o.judged.lang)]
        if not chosen:
            continue
        success = sum(o.success for o in chosen)
        print(
            f"{lang:<8} {len(chosen):>7} {success:>4} {success / len(chosen):>4.2f} "
            f"{sum(o.wrong_first for o in chosen):>11} {sum(o.zero for o in chosen):>5}"
        )
    if args.failures:
        print()
        for o in outcomes:
            if not o.success:
                first = "; ".join(shown for shown, _own in o.shown[:3]) or "(nothing)"
                print(f"FAIL {o.judged.lang} {o.judged.who:<12} {o.judged.query!r}: {first}")
    total = len(outcomes)
    print(
        f"guide_relevance queries={total} "
        f"success3={sum(o.success for o in outcomes) / total:.2f} "
        f"wrong_first={sum(o.wrong_first for o in outcomes)} "
        f"zero_results={sum(o.zero for o in outcomes)}"
    )


if __name__ == "__main__":
    main()
