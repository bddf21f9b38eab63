import pytest

# The independent client's checks fail with the values compared, like the tests' own asserts.
pytest.register_assert_rewrite("tests.oidc.rp")
