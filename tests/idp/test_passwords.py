"""Password storage and policy."""

from passlib.hash import argon2

from idp.services.passwords import hash_password, password_problems, verify_password


def test_stored_hash_is_argon2id_with_at_least_owasp_parameters():
    stored = hash_password("Un-Mot-De-Passe-Solide-2026")
    parsed = argon2.from_string(stored)
    assert parsed.type == "id"
    assert parsed.memory_cost >= 19 * 1024
    assert parsed.rounds >= 2
    assert parsed.parallelism == 1


def test_older_schemes_are_verified_and_replaced():
    from passlib.hash import pbkdf2_sha256

    old = pbkdf2_sha256.hash("Un-Mot-De-Passe-Solide-2026")
    matches, new_hash = verify_password("Un-Mot-De-Passe-Solide-2026", old)
    assert matches and new_hash and new_hash.startswith("$argon2id$")


def test_policy_of_the_guides():
    assert password_problems("Un-Mot-De-Passe-Solide-2026") == []
    assert password_problems("Abcdefghijk1") == []  # 12 characters: upper, lower, digit
    assert password_problems("Abcdefghijk!") == []  # ... or a special character
    assert password_problems("Abcdefghij1") != []  # 11 characters
    assert password_problems("Passw0rd1234")  # a very common password
    assert password_problems("Émile-Zola-Écrivain-1840") == []  # accented upper case counts
    assert password_problems("x" * 1025 + "A1") != []
