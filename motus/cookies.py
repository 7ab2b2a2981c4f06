"""The cookies the game sets, all alike: HttpOnly (no script reads them), SameSite=Lax
(no cross-site POST carries them), Secure when the site is served over https."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

# The hard-mode setting, for the games not started yet: "1" or "0". Not signed: it only
# makes the player's own games harder, and the server fixes it in each game at its
# first try. Kept like a setting.
HARD = "motus_hard"
HARD_MAX_AGE_SECONDS = 400 * 24 * 3600


def set_private(response: Response, public_url: str, name: str, value: str, max_age: int, path: str = "/") -> None:
    secure = public_url.startswith("https://")
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path=path)


def hard_setting(request: Request) -> bool:
    return request.cookies.get(HARD) == "1"
