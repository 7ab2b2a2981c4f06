"""Writes motus_auth/data/common_passwords.txt: zxcvbn's 30,000 most common passwords.

The provider refuses them at registration. It used to import zxcvbn's frequency lists
for that, 13 MB in each auth replica for a 212 kB list; the list is now a file of
its own (zxcvbn is MIT-licensed: the notice is beside the file), and a test checks
it is still exactly zxcvbn's.

    .venv/bin/python scripts/build_common_passwords.py
"""

from __future__ import annotations

from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

OUT = Path(__file__).resolve().parent.parent / "motus_auth" / "data" / "common_passwords.txt"


def main() -> None:
    OUT.write_text("\n".join(FREQUENCY_LISTS["passwords"]) + "\n", encoding="ascii")
    print(f"{OUT}: {len(FREQUENCY_LISTS['passwords'])} passwords")


if __name__ == "__main__":
    main()
