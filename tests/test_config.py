import pytest

from routemap._errors import ConfigError
from routemap.config import Settings, load_settings


def test_defaults_without_file(tmp_path):
    assert load_settings(tmp_path) == Settings()


def test_reads_and_normalises(tmp_path):
    (tmp_path / "routemap.toml").write_text('title = "T"\nfocus = "my"\nmin_count = 11\nas_of = 2025-06-30\n')
    s = load_settings(tmp_path)
    assert (s.title, s.focus, s.min_count, s.as_of) == ("T", "MY", 11, "2025-06-30")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('level = "district"', "level 'district' in"),
        ("min_count = 0", "min_count 0 in"),
        ('focus = "XX"', "focus 'XX' in"),
        ('as_of = "June"', "as_of 'June' in"),
        ("show_partners = 1", "show_partners = 1 in"),
        ("title = ", "is not valid TOML"),
    ],
)
def test_bad_settings_name_the_value(tmp_path, text, message):
    (tmp_path / "routemap.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path)


def test_overrides_are_checked():
    with pytest.raises(ConfigError, match="the command line"):
        Settings().with_overrides(focus="ZZ")
    assert Settings().with_overrides(level="admin1", focus=None).level == "admin1"


def test_an_unknown_setting_is_refused_with_the_key_it_resembles(tmp_path):
    (tmp_path / "routemap.toml").write_text("min_cont = 1\n")
    with pytest.raises(ConfigError, match=r"min_cont = 1 in .*: unknown setting; did you mean 'min_count'\?"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = 3", "title = 3 in .*: must be text in quotes"),
        ('min_count = "5"', "min_count = '5' in .*: must be a whole number"),
        ("min_count = true", "min_count = True in .*: must be a whole number"),
        ('show_partners = "yes"', "show_partners = 'yes' in .*: must be true or false"),
        ("focus = 60", "focus = 60 in .*: must be text"),
        ("years = [2019, 2020]", r"years = \[2019, 2020\] in .*: must be a year or a period"),
        ("as_of = 2025", "as_of = 2025 in .*: must be a date"),
        ("[tiles]\nurl = 'x'", r"tiles = \{'url': 'x'\} in .*: must be text"),
    ],
)
def test_every_wrong_type_names_its_key(tmp_path, text, message):
    (tmp_path / "routemap.toml").write_text(text + "\n")
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path)


def test_every_problem_in_the_settings_is_reported_at_once(tmp_path):
    (tmp_path / "routemap.toml").write_text('titel = "T"\nmin_count = "5"\nlevel = 1\n')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    text = str(info.value)
    assert text.startswith("3 problems in ")
    assert "titel = 'T': unknown setting; did you mean 'title'?" in text
    assert "min_count = '5': must be a whole number" in text
    assert "level = 1: must be text in quotes" in text


def test_the_known_settings_are_the_fields_of_settings():
    from dataclasses import fields

    from routemap.config import SETTING_KINDS

    assert set(SETTING_KINDS) == {f.name for f in fields(Settings)} - {"extra"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("compare = 1\n", ("compare 1 in ", "routemap.toml: '1' is not a period")),
        ('compare = "abc"\n', ("compare 'abc' in ", "routemap.toml: 'abc' is not a period")),
        ("unit = 3\n", ("unit = 3 in ", 'routemap.toml: must be text in quotes, e.g. "detected victims"')),
        ("focus = 1\n", ("focus = 1 in ", 'routemap.toml: must be text in quotes, e.g. "MY"')),
    ],
)
def test_a_wrong_compare_or_text_setting_is_named_with_its_own_example(tmp_path, text, message):
    (tmp_path / "routemap.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert all(part in str(caught.value) for part in message) and "years" not in str(caught.value)
