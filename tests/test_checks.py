import pytest

from tf_imgtrans.checks import check_one_of, check_positive_int


@pytest.mark.parametrize("value", [1, 7])
def test_positive_int_returns_value(value):
    assert check_positive_int("batch_size", value) == value


@pytest.mark.parametrize("value", [0, -3, 1.0, "2", True, None])
def test_positive_int_rejects(value):
    with pytest.raises(
        ValueError, match=rf"`batch_size` must be a positive int\. Received: batch_size={value!r}"
    ):
        check_positive_int("batch_size", value)


def test_minimum_and_none():
    assert check_positive_int("seed", 0, minimum=0) == 0
    assert check_positive_int("limit", None, allow_none=True) is None
    with pytest.raises(ValueError, match=r"`size` must be an int >= 32\. Received: size=31"):
        check_positive_int("size", 31, minimum=32)
    with pytest.raises(ValueError, match=r"`seed` must be an int >= 0\. Received: seed=False"):
        check_positive_int("seed", False, minimum=0)


def test_one_of():
    assert check_one_of("direction", "BtoA", ["AtoB", "BtoA"]) == "BtoA"
    with pytest.raises(
        ValueError,
        match=r"`direction` must be one of \['AtoB', 'BtoA'\]\. Received: direction='x'",
    ):
        check_one_of("direction", "x", ["AtoB", "BtoA"])
