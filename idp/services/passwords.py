"""Password hashing (argon2id through passlib) and the password policy of the guides."""

import time
from functools import lru_cache

from passlib.context import CryptContext
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from idp import messages
from shared import metrics

MIN_LENGTH = 12
MAX_LENGTH = 1024  # long enough for any passphrase, short enough to keep hashing cheap

# OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. passlib's own default is far weaker,
# so each parameter is set here. Older schemes are still verified, then re-hashed at login.
password_context = CryptContext(
    schemes=["argon2", "pbkdf2_sha256"],
    deprecated=["pbkdf2_sha256"],
    argon2__type="ID",
    argon2__memory_cost=19 * 1024,
    argon2__rounds=2,
    argon2__parallelism=1,
)


def hash_password(password: str) -> str:
    return password_context.hash(password)


def verify_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one uses an older scheme or weaker parameters)."""
    started = time.thread_time()  # this thread's CPU: what the hash costs, whatever else the machine runs
    answer = password_context.verify_and_update(password, password_hash)
    metrics.count("verifications")
    metrics.count("verification_cpu", time.thread_time() - started)
    return answer


# A hash of nothing anyone knows: verifying against it costs the same time as a real account.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return password_context.hash("not a password of any account, only spends the same time")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30 000 most common passwords of the leaks zxcvbn ships (no network call)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, email: str = "") -> list[str]:
    """The French messages for every rule the password breaks (empty list: acceptable)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(messages.PASSWORD_TOO_SHORT)
    if len(password) > MAX_LENGTH:
        problems.append(messages.PASSWORD_TOO_LONG)
    if not any(char.isupper() for char in password):
        problems.append(messages.PASSWORD_NEEDS_UPPER)
    if not any(char.islower() for char in password):
        problems.append(messages.PASSWORD_NEEDS_LOWER)
    if all(char.isalpha() for char in password):
        problems.append(messages.PASSWORD_NEEDS_DIGIT_OR_SPECIAL)
    if not problems and _is_common(password):
        problems.append(messages.PASSWORD_TOO_COMMON)
    if email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) >= 4:
        problems.append(messages.PASSWORD_CONTAINS_EMAIL)
    return problems


def _is_common(password: str) -> bool:
    lowered = password.lower()
    # Also catch a common word dressed up with a capital and a trailing digit or sign ("Motdepasse1!").
    stripped = lowered.rstrip("0123456789!?.*@#$%&-_+=")
    return lowered in common_passwords() or (len(stripped) >= 6 and stripped in common_passwords())
