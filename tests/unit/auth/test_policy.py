import pytest

from motus_auth import csrf, passwords, throttle, usernames, web

SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuv"


@pytest.mark.parametrize(
    ("username", "ok"),
    [
        ("bob", True),
        ("Alice.Martin-92_x", True),
        ("ab", False),
        ("a" * 32, True),
        ("a" * 33, False),
        ("élodie", False),
        ("bob smith", False),
        ("bob@example", False),
        ("", False),
    ],
)
def test_username_rules(username, ok):
    assert (usernames.problem(username) is None) == ok


def test_usernames_are_unique_regardless_of_case():
    assert usernames.canonical("Alice") == usernames.canonical("ALICE") == "alice"


@pytest.mark.parametrize(
    ("password", "username", "reason"),
    [
        ("short", "bob", "au moins 10"),
        ("bob-is-the-best-2026", "bob", "nom d'utilisateur"),
        ("BOBBY-tables-1", "bobby", "nom d'utilisateur"),
        ("qwertyuiop", "carol", "trop courant"),
        ("motdepasse", "carol", "trop courant"),
        ("aaaaaaaaaaaa", "carol", "trop courant"),
        ("x" * 300, "carol", "dépasser"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, username, reason):
    assert reason in passwords.problem(password, username)


def test_the_committed_common_passwords_are_exactly_zxcvbn_s():
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    assert passwords.COMMON_PASSWORDS.read_text(encoding="ascii").split() == FREQUENCY_LISTS["passwords"]


def test_a_decent_password_is_accepted():
    assert passwords.problem("la tortue verte 1987", "carol") is None


def test_hash_is_argon2id_salted_and_verifies():
    first, second = passwords.hash_password("la tortue verte"), passwords.hash_password("la tortue verte")
    assert first.startswith("$argon2id$") and first != second
    assert passwords.verify(first, "la tortue verte")
    assert not passwords.verify(first, "la tortue verde")
    assert not passwords.verify("not a hash", "x")


@pytest.mark.parametrize(("failures", "lock"), [(1, 0), (4, 0), (5, 30), (6, 60), (7, 120), (20, 900)])
def test_an_address_lock_on_an_account_grows_and_is_capped(failures, lock):
    assert throttle.pair_lock_seconds(failures) == lock


@pytest.mark.parametrize(
    ("account_failures", "from_this_address", "slowed"),
    [(19, 5, False), (20, 1, True), (500, 3, True), (500, 0, False)],
)
def test_only_addresses_that_failed_are_slowed_down_on_a_besieged_account(account_failures, from_this_address, slowed):
    assert throttle.slowed_down(account_failures, from_this_address) is slowed


def test_retry_message_says_when():
    assert "45 secondes" in throttle.retry_message(45)
    assert "15 minutes" in throttle.retry_message(900)


def test_csrf_token_is_bound_to_the_cookie():
    cookie = csrf.new_cookie_value()
    token = csrf.token_for(cookie, SECRET)
    assert csrf.valid(cookie, token, SECRET)
    assert not csrf.valid(csrf.new_cookie_value(), token, SECRET)
    assert not csrf.valid(cookie, token, SECRET + "x")
    assert not csrf.valid(cookie, None, SECRET) and not csrf.valid(None, token, SECRET)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/auth/account", "/auth/account"),
        ("/", "/"),
        ("/auth/authorize?client_id=motus&state=x", "/auth/authorize?client_id=motus&state=x"),
        ("//evil.example/x", web.DEFAULT_NEXT),
        ("/\\evil.example", web.DEFAULT_NEXT),
        ("https://evil.example/", web.DEFAULT_NEXT),
        ("javascript:alert(1)", web.DEFAULT_NEXT),
        ("/a b", web.DEFAULT_NEXT),
        (None, web.DEFAULT_NEXT),
    ],
)
def test_next_is_only_a_path_on_this_site(value, expected):
    assert web.safe_next(value) == expected
