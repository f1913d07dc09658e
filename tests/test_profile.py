import pytest

from routemap._errors import ProfileError
from routemap.profile import read_profile

COLUMNS = '[columns]\nyear = "y"\norigin = "o"\ndestination = "d"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('columns = "x"\n', "columns = 'x' must be a table"),
        ('values = "x"\n' + COLUMNS, "values = 'x' must be a table"),
        ("read = 1\n" + COLUMNS, "read = 1 must be a table"),
        ('points = ["x"]\n' + COLUMNS, r"points = \['x'\] must be a table"),
        ('synthetic = "yes"\n' + COLUMNS, "synthetic = 'yes' must be true or false"),
        ("name = 3\n" + COLUMNS, "name = 3 must be text in quotes"),
        ("default_country = 458\n" + COLUMNS, "default_country = 458 must be text in quotes"),
        ('missing = "-99"\n' + COLUMNS, "missing = '-99' must be a list"),
        ("empty_persons = 1\n" + COLUMNS, "empty_persons = 1 must be text"),
        (COLUMNS + "[read]\nsheet = true\n", "sheet = True must be a sheet name"),
        (COLUMNS + "[read]\nencoding = 8\n", "encoding = 8 must be text in quotes"),
        (COLUMNS + "[read]\nheader = 3\n", "unknown key 'header'; did you mean 'header_row'"),
        (COLUMNS + "[values.sector]\nLadang = 1\n", "'Ladang' = 1 must be text in quotes"),
        (COLUMNS.replace('year = "y"', "year = 2"), "year = 2 must be a header in quotes"),
        ('colums = "x"\n' + COLUMNS, "unknown key 'colums'; did you mean 'columns'"),
    ],
)
def test_every_wrong_type_in_a_profile_names_its_key(tmp_path, text, message):
    path = tmp_path / "partner.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        read_profile(path)
