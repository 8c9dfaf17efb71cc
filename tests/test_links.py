import pytest

from page.links import FIELDS, read_link, write_link


def test_round_trip_of_every_field():
    values = {
        "source": "synthetic", "dataset": "trees", "n": 120, "seed": 7, "slope": -1.5,
        "intercept": 3.0, "noise": 0.0, "params": 2, "scaling": "minmax", "cost": "half_mse",
        "theta0": (1.5, -2.0), "lr": 0.0039, "steps": 400, "k": 12, "log": False, "predict": True,
        "compare": (0.001, 0.002), "preset": "diverging", "section": "sweep",
        "sweep_low": 0.01, "sweep_high": 2.0, "sweep_count": 50, "sweep_steps": 300,
        "range_low": 1e-8, "range_high": 1.0, "range_steps": 60, "race": ("adam", "nesterov"),
        "race_lr_gd": 0.002, "race_lr_momentum": 0.001, "race_lr_nesterov": 0.0005,
        "race_lr_adagrad": 0.5, "race_lr_rmsprop": 0.01, "race_lr_adam": 0.05,
        "race_mu": 0.5, "schedule": "cosine", "batch": 8, "shuffle": 3,
        "formula_preset": "your own", "formula": "sin(theta0) + theta1**2",
        "formula_params": 2, "formula_theta0": (1.0, -0.5), "formula_lr": 0.1,
        "formula_steps": 500, "formula_optimizer": "adam",
        "beyond_model": "logistic_faithful", "beyond_width": 4, "beyond_act": "relu",
        "beyond_lr": 0.3, "beyond_steps": 700, "beyond_seed": 5, "beyond_k": 9,
        "beyond_sweep": True, "present": True,
    }  # fmt: skip
    assert set(values) == set(FIELDS)
    query = write_link(values)
    assert all(isinstance(v, str) for v in query.values())
    parsed, notices = read_link(query)
    assert notices == ()
    assert parsed == values


def test_defaults_are_left_out_of_links():
    defaults = {name: field.default for name, field in FIELDS.items() if field.default is not None}
    assert write_link(defaults) == {}


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"lr": "fast"}, "lr='fast' is not a number from 1e-06 to 10; using the default, 0.001"),
        ({"lr": "1e9"}, "lr='1e9' is not a number"),
        ({"lr": "nan"}, "lr='nan'"),
        ({"steps": "2.5"}, "steps='2.5' is not a whole number from 1 to 5000"),
        ({"steps": "999999"}, "steps='999999'"),
        ({"dataset": "iris"}, "dataset='iris' is not one of cars, women"),
        ({"theta0": "1,2,3"}, "1 to 2 comma-separated numbers"),
        ({"theta0": "inf"}, "theta0='inf'"),
        ({"log": "yes"}, "log='yes' is not 0 or 1"),
        ({"present": "on"}, "present='on' is not 0 or 1; using the default, 0"),
        ({"compare": ",".join(["0.1"] * 9)}, "1 to 8 comma-separated"),
        ({"hack": "1"}, "Ignored the unknown link parameter 'hack'"),
    ],
)
def test_bad_values_fall_back_with_a_notice(query, fragment):
    values, notices = read_link(query)
    assert values == {}
    assert len(notices) == 1 and fragment in notices[0], notices


def test_long_garbage_is_cut_in_the_notice():
    _, notices = read_link({"lr": "x" * 10_000})
    assert len(notices[0]) < 200


def test_a_huge_parameter_name_is_cut_in_the_notice():
    _, notices = read_link({"x" * 100_000: "1"})
    assert notices == (f"Ignored the unknown link parameter '{'x' * 39}…'.",)


def test_the_notice_quotes_the_link_on_one_line():
    _, notices = read_link({"lr": "0.1\n**bold**\r\n", "a\nb": "1"})
    assert "lr='0.1 **bold**  ' is not a number" in notices[0]  # line breaks are spaces
    assert "'a b'" in notices[1]


@pytest.mark.parametrize(
    ("text", "kept", "repeated"),
    [
        ("gd,gd", ("gd",), "gd"),
        ("adam, adam", ("adam",), "adam"),
        ("adam,gd,adam,momentum,gd", ("adam", "gd", "momentum"), "adam, gd"),
    ],
)
def test_a_repeated_optimizer_races_once_and_the_notice_says_so(text, kept, repeated):
    values, notices = read_link({"race": text})
    assert values == {"race": kept}
    assert notices == (
        f"The link's race='{text}' lists {repeated} more than once; using {','.join(kept)}.",
    )


def test_a_presentation_link_says_present_1_and_reads_back():
    assert write_link({"present": True}) == {"present": "1"}
    assert write_link({"present": False}) == {}  # off is the default: left out
    assert read_link({"present": "1"}) == ({"present": True}, ())
