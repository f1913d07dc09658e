import pytest
from click.testing import CliRunner

from routemap._errors import ConfigError
from routemap._outdir import MANIFEST, foreign_files, publish
from routemap.cli import main
from routemap.pipeline import build

CANON = "year,origin,transit,destination,persons\n"
ROWS = "".join(f"2020,Myanmar,Thailand,Penang,{n}\n" for n in (3, 4))


def _staged(tmp_path, *names):
    staging = tmp_path / "staging"
    staging.mkdir(exist_ok=True)
    for name in names:
        (staging / name).write_text(f"new {name}\n", encoding="utf-8")
    return staging


def test_only_files_routemap_wrote_are_ever_removed(tmp_path):
    out = tmp_path / "site"
    publish(_staged(tmp_path, "map.html", "routes.csv"), out, ["map.html", "routes.csv"])
    (out / "index.html").write_text("the user's page\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"holds files routemap did not write \(index.html\)"):
        publish(_staged(tmp_path, "map.html"), out, ["map.html"])
    assert (out / "routes.csv").exists()  # refused: nothing changed
    publish(_staged(tmp_path, "map.html"), out, ["map.html"], force=True)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "index.html", "map.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "the user's page\n"
    assert foreign_files(out) == ["index.html"]


def test_hidden_files_such_as_gitkeep_do_not_count_as_the_users(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / ".gitkeep").write_text("", encoding="utf-8")
    publish(_staged(tmp_path, "map.html"), out, ["map.html"])
    assert (out / ".gitkeep").exists() and (out / "map.html").exists()


def test_build_into_a_folder_with_the_users_routes_csv_refuses_then_keeps_it_with_force(make_project, tmp_path):
    project = make_project({"p": {"a.csv": CANON + ROWS * 5}})
    site = tmp_path / "site"
    site.mkdir()
    (site / "routes.csv").write_text("my own table\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(project), "--out", str(site), "--formats", "html", "--quiet"])
    assert result.exit_code == 2
    assert f"error: the output folder {site} holds files routemap did not write (routes.csv)" in result.output
    assert (site / "routes.csv").read_text(encoding="utf-8") == "my own table\n"
    assert not (site / "map.html").exists()
    args = ["build", str(project), "--out", str(site), "--formats", "html", "--force", "--quiet"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (site / "routes.csv").read_text(encoding="utf-8") == "my own table\n"  # --formats html: not written
    assert (site / "map.html").exists()


def test_a_later_build_removes_only_what_an_earlier_build_wrote(make_project):
    project = make_project({"p": {"a.csv": CANON + ROWS * 5}})
    out = project / "output"
    build(project, formats="csv")
    assert (out / "routes.csv").exists()
    build(project, formats="html")
    assert not (out / "routes.csv").exists()  # routemap's own, from the first build: removed
    assert (out / "map.html").exists()


def test_a_users_file_with_an_outputs_name_is_never_written_over_even_with_force(make_project, tmp_path):
    project = make_project({"p": {"a.csv": CANON + ROWS * 5}})
    site = tmp_path / "site"
    site.mkdir()
    (site / "routes.csv").write_text("my own table\n", encoding="utf-8")
    args = ["build", str(project), "--out", str(site), "--formats", "csv", "--force", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert f"the output folder {site} holds your own routes.csv, which this build would write over" in result.output
    assert (site / "routes.csv").read_text(encoding="utf-8") == "my own table\n"
    assert sorted(p.name for p in site.iterdir()) == ["routes.csv"]  # nothing written, no manifest adopting it
