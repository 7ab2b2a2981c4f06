import pytest

from motus import guest, session
from motus.guest import Guest

SECRET = "s3cr3t-for-tests-0123456789abcdefghijklmnop"


def test_a_minted_guest_round_trips_through_its_signed_cookie():
    new = Guest.mint("192.0.2.7")
    assert new.new and new.client == "192.0.2.7" and len(new.id) == 43
    assert guest.unsign(guest.sign(new.id, SECRET), SECRET) == new.id
    assert Guest.mint("x").id != new.id


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),
        lambda v: ("B" if v[0] != "B" else "C") + v[1:],
        lambda v: v.split(".")[0],
        lambda v: "",
    ],
)
def test_a_tampered_guest_cookie_is_ignored(tamper):
    assert guest.unsign(tamper(guest.sign(Guest.mint("x").id, SECRET)), SECRET) is None


def test_a_session_cookie_is_no_guest_cookie_and_back():
    # One secret, two purposes: neither cookie passes for the other.
    sid = session.new_session_id()
    assert guest.unsign(session.sign(sid, SECRET), SECRET) is None
    assert session.unsign(guest.sign(sid, SECRET), SECRET) is None
