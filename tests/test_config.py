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
