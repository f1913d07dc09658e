import os

import pytest

from routemap._errors import ReadError
from routemap.readers import ReadOptions, read_table


def test_utf16_without_a_byte_order_mark_is_read_even_when_it_is_all_ascii(tmp_path):
    text = "year,origin,destination\r\n2020,Myanmar,Penang\r\n"
    for enc in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{enc}.csv"
        path.write_bytes(text.encode(enc))  # no mark: every other byte is NUL, which is valid UTF-8 too
        table = read_table(path, ReadOptions())
        assert table.encoding == enc
        assert table.headers == ["year", "origin", "destination"]
        assert table.rows.iloc[0].tolist() == ["2020", "Myanmar", "Penang"]
        assert any("no byte-order mark" in w for w in table.warnings)


def test_a_broken_link_is_a_read_error_that_says_so(tmp_path):
    link = tmp_path / "kes.csv"
    os.symlink(tmp_path / "gone.csv", link)
    with pytest.raises(ReadError, match="is a link to a file that does not exist"):
        read_table(link, ReadOptions())
