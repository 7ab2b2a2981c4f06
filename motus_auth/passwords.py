"""Password policy and hashing. Pure: no web framework, no Redis.

Hashes are argon2id (memory-hard) with argon2-cffi's defaults (64 MiB, 3 passes),
which also decide when an old hash should be upgraded on the next login.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256  # hashing a megabyte "password" is a denial of service, not a password
# zxcvbn's list of the 30,000 most common passwords (data/common_passwords.txt, 212 kB:
# importing zxcvbn for it cost 13 MB per replica), plus French favourites it lacks.
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common_passwords.txt"
_FRENCH_COMMON = {"motdepasse", "motdepasse1", "motdepasse123", "azertyuiop", "jetaime", "soleil123", "bonjour123"}

_hasher = PasswordHasher()
# What one hash holds in memory while it runs (argon2-cffi's default: 64 MiB).
HASH_MEMORY_MIB = _hasher.memory_cost // 1024


@cache
def _common() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="ascii").split()) | _FRENCH_COMMON


def problem(password: str, username: str) -> str | None:
    """Why this password is refused (a French sentence), or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit faire au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."
    lowered = password.lower()
    if username and username.lower() in lowered:
        return "Le mot de passe ne doit pas contenir le nom d'utilisateur."
    if lowered in _common() or len(set(password)) < 4:
        return "Ce mot de passe est trop courant : choisissez-en un autre."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


# A hash to verify against when the account does not exist, so a login for an
# unknown name takes as long as one for a known name (no user enumeration by timing).
@cache
def dummy_hash() -> str:
    return _hasher.hash("not-a-real-password-for-timing-only")
