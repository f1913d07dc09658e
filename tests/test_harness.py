"""The test harness itself: what a fresh machine without the browser assets is told."""

from pathlib import Path

import browser_harness


def test_missing_browser_assets_are_named_with_the_command_that_installs_them(monkeypatch, tmp_path: Path):
    if browser_harness.missing():  # no Chromium or playwright here: that is named first, and CI has both
        assert "install" in browser_harness.missing()
        return
    monkeypatch.setattr(browser_harness, "NODE_MODULES", tmp_path / "node_modules")
    assert "npm ci --prefix tests/browser" in browser_harness.missing()


def test_the_shared_data_folder_is_found_beside_the_repository_or_named_by_the_environment():
    text = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
    assert "ROUTEMAP_SHARED_DIR" in text and '"/work' not in text and "'/work" not in text
