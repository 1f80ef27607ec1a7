"""Password hashes: bcrypt of the password's SHA-256, as Django's BCryptSHA256PasswordHasher does.

bcrypt reads at most 72 bytes (bcrypt 5 raises past them), so a long passphrase, or a short one in a
script with 3-byte characters, would be cut or refused. Hashing it with SHA-256 first gives bcrypt 64
hex characters whatever the password's length. Hashes made before this (plain bcrypt, `$2b$...`)
still verify, and User.authenticate replaces them at the next successful login.

A bcrypt check at cost 12 is a quarter of a second of one core: it runs under the machine's
PASSWORD_HASH_* turns (turns.py: at most PASSWORD_HASH_CONCURRENCY at once on the machine, a short
line per app, then HashingBusy, a 503 with Retry-After), so a flood of logins slows logins, never the catalogue.
"""

import hashlib

import metrics
from extensions import bcrypt
from turns import Busy, Turns

PREFIX = "bcrypt-sha256$"
BCRYPT_MAX_BYTES = 72


class HashingBusy(Busy):
    """Every hashing turn stayed taken for longer than the wait allows."""

    answer = "The server is busy checking passwords; try again in a moment."


HASHING = Turns("password_hashing", "PASSWORD_HASH", HashingBusy, metrics.HASHING, metrics.HASH_WAITING)


def hashing_turn():
    """Hold one of the machine's PASSWORD_HASH_CONCURRENCY turns while the body runs."""
    return HASHING.turn()


def waiting():
    """How many of the current app's requests wait for a hashing turn now."""
    return HASHING.waiting()


def _prehash(password):
    """The SHA-256 of the password in hex: 64 ASCII bytes, within what bcrypt reads."""
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def hash_password(password, rounds):
    """A new hash of the password at this bcrypt cost."""
    with hashing_turn():
        return PREFIX + bcrypt.generate_password_hash(_prehash(password), rounds).decode()


def verify_password(stored, password):
    """True when the password is the one the stored hash was made from."""
    if stored.startswith(PREFIX):
        stored, password = stored.removeprefix(PREFIX), _prehash(password)
    elif len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        return False  # a plain bcrypt hash from before: its password was at most 72 bytes long
    with hashing_turn():
        return bcrypt.check_password_hash(stored, password)


def needs_rehash(stored, rounds):
    """True for a hash of the old scheme or of another cost: it is replaced at the next login."""
    if not stored.startswith(PREFIX):
        return True
    return int(stored.removeprefix(PREFIX).split("$")[2]) != rounds
