"""The odd values every route must answer clearly (a 4xx page, a redirect or a normal page), never with a 500.

Values are bytes: they are sent percent-encoded in paths and query strings and raw in form bodies, so
that text that is not UTF-8 reaches the app exactly as a hostile or broken client would send it.
"""

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

OVERLONG = b"A" * 5000  # over passlib's 4 096-byte password limit, over every column's length
OVERLONG_UNICODE = "é".encode() * 3000  # 6 000 bytes of two-byte characters

# Deterministic list, walked for every field and query parameter: each stands for a class of mistake.
ODD_VALUES: tuple[bytes, ...] = (
    OVERLONG,
    b"99999999999999999999",  # an id over 64 bits
    b"9223372036854775808",  # 2**63: just past BIGINT
    b"2147483648",  # 2**31: just past PostgreSQL's INTEGER
    b"-1",
    "²".encode(),  # a digit for str.isdigit(), not for int()
    "١٢".encode(),  # Arabic-Indic digits: int() reads them, no column should
    b"1e309",  # a float overflowing to infinity
    b"a\x00b",  # NUL, which PostgreSQL refuses in text
    b"a\r\nSet-Cookie: x=1",  # CR LF: header injection
    b"\t\x7f",  # tab, DEL
    b"\xff\xfe",  # not UTF-8
    b'http://x/"',
    b"\\\\evil.example\\",  # backslashes
    b"//evil.example/%2e%2e",
    b"\xf0\x9f\x92\xa9",  # a four-byte UTF-8 character
    OVERLONG_UNICODE,
    b"",
)

# For path parameters typed <int:…>: what the converter lets through (digits only).
ODD_INTEGERS: tuple[bytes, ...] = (b"0", b"99999999999999999999", b"9223372036854775808", b"2147483648")


# Hypothesis: a mix of the known odd values and generated text and bytes (control characters, non-UTF-8,
# long runs, numbers of every size).
def odd_bytes() -> st.SearchStrategy[bytes]:
    controls = st.text(alphabet=st.sampled_from("\x00\t\n\r\x0b\x0c\x1b\x7f\\\"'<>%&=;é\u2028\ufeff"), max_size=12)
    return st.one_of(
        st.sampled_from(ODD_VALUES),
        controls.map(lambda text: text.encode()),
        st.binary(max_size=24),
        st.integers().map(lambda number: str(number).encode()),
        st.floats().map(lambda number: repr(number).encode()),
        st.tuples(st.sampled_from([b"a", b"\x00", b"\xff", "é".encode()]), st.integers(1, 6000)).map(
            lambda pair: pair[0] * pair[1]
        ),
    )


# Bounded, reproducible and leaving nothing on disk: same examples on every run, no example database,
# no shrinking (a failing request is recorded as sent, not raised).
ODD_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
