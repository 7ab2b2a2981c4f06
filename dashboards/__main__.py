"""python -m dashboards [--check]: write (or check) grafana/dashboards/*.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grafana_foundation_sdk.cog.encoder import JSONEncoder

from dashboards import accounts, delivery, game, logs, platform

OUT_DIR = Path(__file__).resolve().parent.parent / "grafana" / "dashboards"
BUILDERS = {
    "motus-platform.json": platform.build,
    "motus-game.json": game.build,
    "motus-delivery.json": delivery.build,
    "motus-accounts.json": accounts.build,
    "motus-logs.json": logs.build,
}


def render(build) -> str:
    model = json.loads(JSONEncoder().encode(build().build()))
    # Stable panel ids in reading order: Grafana links and the tests refer to them.
    for number, panel in enumerate(model.get("panels", []), start=1):
        panel["id"] = number
    return json.dumps(model, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def rendered() -> dict[str, str]:
    return {name: render(build) for name, build in BUILDERS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboards", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, text in rendered().items():
        path = OUT_DIR / name
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    extra = sorted(p.name for p in OUT_DIR.glob("*.json") if p.name not in BUILDERS)
    if args.check and (stale or extra):
        print(f"out of date: {', '.join(stale + extra)}; run `python -m dashboards`", file=sys.stderr)
        return 1
    for name in extra:
        (OUT_DIR / name).unlink()
    print(f"{len(BUILDERS)} dashboards in {OUT_DIR} ({len(stale)} rewritten, {len(extra)} removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
