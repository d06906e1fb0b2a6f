"""Write every scenario (and the packaged demo) deterministically: `python -m tools.scenarios.generate`."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from tools.scenarios.catalog import Built, all_scenarios
from tools.scenarios.readme import write_readme

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "scenarios"
DEMO_SLUG = "01-payments-configmap-db-host"
DEMO_DIR = ROOT / "firstresponder" / "demo" / "payments"


def write_scenario(built: Built, directory: Path, *, with_expected: bool = True) -> None:
    if directory.exists():
        shutil.rmtree(directory)
    built.cluster.finalize()
    built.cluster.write(directory, alert=built.alert, expected=built.expected if with_expected else None)


def generate(corpus: Path = CORPUS, demo: Path | None = DEMO_DIR, only: str | None = None) -> list[tuple[str, Built]]:
    done: list[tuple[str, Built]] = []
    for entry in all_scenarios():
        if only and only not in entry.slug:
            continue
        built = entry.build()
        write_scenario(built, corpus / entry.slug)
        if demo is not None and entry.slug == DEMO_SLUG:
            write_scenario(entry.build(), demo, with_expected=False)
        done.append((entry.slug, built))
    if not only:
        write_readme(corpus / "README.md", done)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--only", help="substring of the slugs to write")
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args()
    done = generate(args.out, None if args.no_demo else DEMO_DIR, args.only)
    print(f"wrote {len(done)} scenarios to {args.out}")


if __name__ == "__main__":
    main()
