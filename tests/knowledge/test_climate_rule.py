"""recommender.knowledge.climate_rule: the climate-zone rule's table and its loader's errors."""

from pathlib import Path

import pandas as pd
import pytest

from recommender.knowledge import KnowledgeBaseError, _tables
from recommender.knowledge.climate_rule import NAME, load_climate_rule


def test_every_number_has_a_source_and_estimates_say_so():
    rule = load_climate_rule()
    assert (rule.tropical_min_mat_c, rule.holdridge_pet_mm_per_c, rule.turc_l_cubic_mm_per_c3) == (18, 58.93, 0.05)
    with _tables.data_path(NAME).open(encoding="utf-8") as handle:
        table = pd.read_csv(handle, keep_default_na=False)
    assert (table["source"].str.len() > 5).all()
    assert table.loc[table["parameter"].str.startswith("borderline"), "source"].str.startswith("estimate:").all()


def test_holdridge_coefficient_lives_in_one_table(kb):
    assert "holdridge_pet_mm_per_c" not in kb.method


def _edited(tmp_path: Path, monkeypatch, edit) -> None:
    """A copy of the table changed by ``edit`` (text -> text), read in place of the packaged one."""
    path = tmp_path / NAME
    path.write_text(edit(_tables.data_path(NAME).read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(_tables, "data_path", lambda name: tmp_path / name)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda text: text.replace("tropical_min_mat_c,18,", "tropical_min_mat_c,eighteen,"),
         r"column 'value' needs a number on data row\(s\) \[1\]"),
        (lambda text: text.replace("montane_min_elevation_m,", "montane_elevation_m,"),
         r"unknown parameter\(s\) \['montane_elevation_m'\] on data row\(s\) \[3\]"),
        (lambda text: "\n".join(line for line in text.splitlines() if not line.startswith("turc_l_linear")),
         r"missing parameter\(s\) \['turc_l_linear_mm_per_c'\]"),
        (lambda text: text.replace("borderline_max_ratio,1.1,", "borderline_max_ratio,0.95,"),
         r"moist_min_map_over_pet \(data row 9, 1\) must be below borderline_max_ratio \(data row 17, 0.95\)"),
    ],
)
def test_broken_table_is_refused_naming_file_and_row(tmp_path, monkeypatch, edit, message):
    _edited(tmp_path, monkeypatch, edit)
    with pytest.raises(KnowledgeBaseError, match=f"{NAME}: {message}"):
        load_climate_rule()
