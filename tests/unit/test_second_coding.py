"""scripts/second_coding.py: Krippendorff's alpha between the first and the blind second coding, on a hand example."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import second_coding  # noqa: E402


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _case(root, name, first_positions, second_positions, first_outcomes="", second_outcomes=""):
    folder = root / name
    _write(folder / "positions.csv", "actor_id,issue_id,date,position,salience\n" + first_positions)
    _write(folder / "second_coding" / "positions_b.csv", "actor_id,issue_id,date,position,salience,note\n" + second_positions)
    _write(folder / "outcome.csv", "issue_id,date,outcome\n" + first_outcomes)
    _write(folder / "second_coding" / "outcome_b.csv", "issue_id,date,outcome,note\n" + second_outcomes)


def test_alpha_matches_the_hand_computation(tmp_path):
    # units (0,0), (50,50), (100,50); a fourth unit the second coder left empty drops out.
    # Pairable values 0,0,50,50,100,50 (n = 6). Observed disagreement D_o = 2*50^2 / 6 = 5000/6;
    # expected D_e = (sum over ordered pairs of all six values of squared differences) / (n (n - 1)) = 85000 / 30.
    # alpha = 1 - D_o / D_e = 1 - 150000 / 510000 = 12/17.
    _case(tmp_path, "a", "x,i,2000-01-01,0,50\nx,j,2000-01-01,50,50\nx,k,2000-01-01,100,50\ny,k,2000-01-01,30,50\n",
          "x,i,2000-01-01,0,50,n\nx,j,2000-01-01,50,50,n\nx,k,2000-01-01,50,50,n\ny,k,2000-01-01,,,not opened\n",
          "i,2000-02-01,40\nj,2000-02-01,60\n", "i,2000-02-01,40,n\nj,2000-02-01,60,n\n")
    cases = second_coding.collect(tmp_path)
    positions = cases["a"]["positions"]
    assert len(positions) == 4 and len(second_coding.pairable(positions)) == 3
    assert second_coding.alpha(positions) == pytest.approx(12 / 17)
    assert second_coding.alpha(cases["a"]["outcomes"]) == pytest.approx(1.0)


def test_pooled_row_disagreements_and_undefined_alpha(tmp_path, capsys):
    _case(tmp_path, "a", "x,i,2000-01-01,0,50\nx,j,2000-01-01,100,50\n", "x,i,2000-01-01,0,50,n\nx,j,2000-01-01,80,50,n\n")
    _case(tmp_path, "b", "x,i,2000-01-01,25,50\n", "x,i,2000-01-01,25,50,n\n")  # one unit: alpha undefined
    assert second_coding.main([str(tmp_path), "--disagreements", "15"]) == 0
    out = capsys.readouterr().out
    assert "| b | 1 / 1 | n/a | 1 | n/a | 0 / 0 | n/a |" in out
    assert "| **pooled** | 3 / 3 |" in out
    assert "a positions x,j,2000-01-01: first 100, second 80" in out
    assert "x,i" not in out.split("\n\n", 1)[1]  # agreeing units are not listed


def test_rows_a_scale_names_as_anchors_are_set_apart(tmp_path):
    issues = [{"issue_id": "i", "scale_low": "none (x 2000-01-01)", "scale_high": "all",
               "description": "Anchors: 50 = half (x and y 2000-02-01); 100 = all (y 2000-03-01; again 2000-04-01)"}]
    assert second_coding.anchor_rows(issues, ["x", "y"]) == {
        ("x", "i", "2000-01-01"), ("x", "i", "2000-02-01"), ("y", "i", "2000-02-01"),
        ("y", "i", "2000-03-01"), ("y", "i", "2000-04-01")}
    _case(tmp_path, "a", "x,i,2000-01-01,0,50\nx,i,2000-05-01,40,50\ny,i,2000-05-01,90,50\n",
          "x,i,2000-01-01,0,50,n\nx,i,2000-05-01,50,50,n\ny,i,2000-05-01,90,50,n\n")
    _write(tmp_path / "a" / "issues.csv", "issue_id,scale_low,scale_high,description\ni,none (x 2000-01-01),all,\n")
    _write(tmp_path / "a" / "actors.csv", "actor_id\nx\ny\n")
    cases = second_coding.collect(tmp_path)
    assert [p.key for p in cases["a"]["positions, not anchors"]] == [("x", "i", "2000-05-01"), ("y", "i", "2000-05-01")]
    assert "| a | 3 / 3 |" in second_coding.table(cases)


def test_a_folder_without_second_coding_is_an_error(tmp_path, capsys):
    (tmp_path / "case").mkdir()
    assert second_coding.main([str(tmp_path)]) == 1
    assert "no case has a second_coding/ folder" in capsys.readouterr().err
