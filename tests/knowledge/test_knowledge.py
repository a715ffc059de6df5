"""Integrity of the knowledge base tables and of their loaders' errors."""

from pathlib import Path

import pytest

from recommender.knowledge import LEVELS, KnowledgeBaseError, _tables
from recommender.knowledge.factors import load_stock_change_factors
from recommender.knowledge.practices import load_practices
from recommender.vocabulary import ClimateZone, Family, SoilClass


def test_reference_stocks_cover_every_zone_and_class(kb):
    stocks = kb.reference_stocks
    assert len(stocks) == len(ClimateZone) * len(SoilClass)
    values = stocks["soc_ref_t_c_ha"].dropna()
    assert values.between(1, 300).all()
    assert stocks.loc[values.index, "error_pct"].between(0, 100).all()
    # HAC and LAC soils have a reference stock in every non-polar zone of Table 2.3.
    assert stocks.loc[("warm_temperate_moist", "HAC"), "soc_ref_t_c_ha"] > 0


def test_factors_complete_and_in_range(kb):
    factors = kb.factors
    assert factors["value"].between(0.3, 1.6).all()
    assert factors.index.is_unique
    regions = set(kb.climate_zones["factor_region"])
    for (system, factor), levels in LEVELS.items():
        for level in levels:
            rows = factors.xs((system, factor, level), level=[0, 1, 2])
            assert set(rows.index) == regions, (system, factor, level)
    reference = factors.xs(("cropland", "F_MG", "full_tillage"), level=[0, 1, 2])
    assert (reference["value"] == 1.0).all() and (reference["error_pct"] == 0).all()


def test_every_figure_has_a_source(kb):
    for table in (kb.reference_stocks, kb.factors, kb.climate_zones, kb.land_uses, kb.degradation):
        assert (table["source"].str.len() > 5).all()


def test_catalogue_covers_the_initiative(kb):
    practices = kb.practices
    assert len(practices) >= 20
    assert {p.family for p in practices.values()} == set(Family)
    for required in ("reduced_tillage", "no_till", "cover_crops", "residue_retention", "manure",
                     "compost", "green_manure", "biochar", "silvopasture", "improved_grazing",
                     "water_harvesting", "irrigation_dry_cropland", "rice_straw_management",
                     "set_aside", "cropland_to_grassland", "restore_degraded_grassland",
                     "restore_degraded_cropland", "legume_rotation", "pasture_legumes"):
        assert required in practices, required
    assert "reduced_tillage" in practices["no_till"].conflicts_with


def test_every_practice_reference_resolves(kb):
    for practice in kb.practices.values():
        cited = set(practice.sources) | {practice.saturation_source}
        if practice.rate:
            cited.add(practice.rate.source)
            assert practice.rate.low <= practice.rate.mean <= practice.rate.high
        assert cited <= set(kb.sources), practice.id
        assert 5 <= practice.years_to_saturation <= 100


def _copy_data(tmp_path: Path, monkeypatch) -> Path:
    source = _tables.data_path("x").parent
    target = tmp_path / "data"
    target.mkdir()
    for item in Path(str(source)).iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    monkeypatch.setattr(_tables, "data_path", lambda name: target / name)
    return target


def test_broken_factor_table_is_refused_with_row(tmp_path, monkeypatch):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "stock_change_factors.csv"
    lines = path.read_text().splitlines()
    fields = lines[3].split(",")
    fields[4] = "abc"
    lines[3] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(KnowledgeBaseError, match=r"column 'value' needs a number on data row\(s\) \[3\]"):
        load_stock_change_factors()


def test_one_sided_conflict_is_refused(tmp_path, monkeypatch, kb):
    data = _copy_data(tmp_path, monkeypatch)
    path = data / "practices.yaml"
    text = path.read_text()
    path.write_text(text.replace("conflicts_with: [reduced_tillage, ", "conflicts_with: [", 1))
    with pytest.raises(KnowledgeBaseError, match="list the conflict on both practices"):
        load_practices(kb.sources)


def test_uncited_source_is_refused(tmp_path, monkeypatch, kb):
    _copy_data(tmp_path, monkeypatch)
    sources = dict(kb.sources)
    sources.pop("ipcc2019_v4_ch5")
    with pytest.raises(KnowledgeBaseError, match="cites unknown source"):
        load_practices(sources)
