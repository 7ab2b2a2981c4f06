import pytest

from motus import session

SECRET = "s3cr3t-for-tests-0123456789abcdefghijklmnop"


def test_signed_cookie_round_trips():
    sid = session.new_session_id()
    assert session.unsign(session.sign(sid, SECRET), SECRET) == sid


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),  # signature changed
        lambda v: ("B" if v[0] != "B" else "C") + v[1:],  # session id changed
        lambda v: v.split(".")[0],  # no signature
        lambda v: v + ".extra",
        lambda v: "",
        lambda v: "../../etc.passwd",
    ],
)
def test_tampered_cookie_is_ignored(tamper):
    value = session.sign(session.new_session_id(), SECRET)
    assert session.unsign(tamper(value), SECRET) is None


def test_cookie_signed_with_another_secret_is_ignored():
    value = session.sign(session.new_session_id(), SECRET)
    assert session.unsign(value, SECRET + "x") is None
