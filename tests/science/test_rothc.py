"""RothC: the official Rothamsted example reproduced, the analytic spin-up, the
vectorisation, the inverse and linear-response helpers, and the CLI.

The official example (input and outputs of Rothamsted's RothC_Py) is read from
``../shared/data/rothc`` beside the repository and never copied into it; the
tests that need it skip when it is absent.
"""

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from recommender.cli import main
from recommender.knowledge._tables import KnowledgeBaseError
from recommender.science import rothc
from recommender.science.rothc import (
    Drivers,
    RothCInputError,
    State,
    annual_maps,
    equilibrium,
    equilibrium_response,
    linear_response,
    load_parameters,
    parse_input,
    read_input,
    simulate,
)

OFFICIAL = Path(__file__).parents[2] / ".." / "shared" / "data" / "rothc"
TOLERANCE = 1e-3  # t C/ha
POOL_COLUMNS = ["DPM_t_C_ha", "RPM_t_C_ha", "BIO_t_C_ha", "HUM_t_C_ha", "IOM_t_C_ha", "SOC_t_C_ha"]


def _official_file(name: str) -> Path:
    path = OFFICIAL / name
    if not path.is_file():
        pytest.skip(f"official RothC example not found: {path.resolve()} (Rothamsted's RothC_Py input and "
                    f"outputs, kept outside the repository)")
    return path


def _read_results(path: Path) -> tuple[list[str], np.ndarray]:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], np.array(rows[1:], dtype=float)


@pytest.fixture(scope="module")
def example():
    return read_input(_official_file("RothC_input.dat"))


@pytest.fixture(scope="module")
def official_run(example):
    start = equilibrium(example.spinup, example.iom, radiocarbon=True)
    return start, simulate(example.forward, start)


def _with_soc(pools: np.ndarray) -> np.ndarray:
    return np.column_stack([pools, pools.sum(axis=-1)])


def test_official_monthly_results_reproduced(official_run):
    header, expected = _read_results(_official_file("month_results.csv"))
    _, trajectory = official_run
    columns = [header.index(name) for name in POOL_COLUMNS]
    error = np.abs(_with_soc(trajectory.pools[0]) - expected[:, columns]).max(axis=0)
    assert (error < TOLERANCE).all(), dict(zip(POOL_COLUMNS, error))
    assert np.abs(trajectory.delta14c[0] - expected[:, header.index("deltaC")]).max() < 0.01


def test_official_yearly_results_reproduced(example, official_run):
    header, expected = _read_results(_official_file("year_results.csv"))
    start, trajectory = official_run
    december = example.rows["month"][12:] == 12
    ours = _with_soc(np.vstack([start.pools, trajectory.pools[0][december]]))
    columns = [header.index(name) for name in POOL_COLUMNS]
    error = np.abs(ours - expected[:, columns]).max(axis=0)
    assert (error < TOLERANCE).all(), dict(zip(POOL_COLUMNS, error))


def test_analytic_spinup_matches_the_official_equilibrium(official_run):
    header, expected = _read_results(_official_file("year_results.csv"))
    start, _ = official_run
    columns = [header.index(name) for name in POOL_COLUMNS]
    assert np.abs(_with_soc(start.pools)[0] - expected[0, columns]).max() < TOLERANCE
    assert start.soc[0] == pytest.approx(37.211, abs=TOLERANCE)
    assert start.delta14c()[0] == pytest.approx(expected[0, header.index("deltaC")], abs=0.01)


def test_reference_spinup_length_is_counted(example):
    assert rothc.reference_spinup_years(example.spinup)[0] * 12 == 19872  # Month of year_results' first row


@pytest.mark.parametrize(("flag", "name"), [([], "year_results.csv"), (["--monthly"], "month_results.csv")])
def test_cli_writes_the_official_files(tmp_path, flag, name):
    expected_path = _official_file(name)
    output = tmp_path / name
    result = CliRunner().invoke(main, ["rothc", "run", str(_official_file("RothC_input.dat")), "-o", str(output),
                                       *flag])
    assert result.exit_code == 0, result.output
    header, ours = _read_results(output)
    expected_header, expected = _read_results(expected_path)
    assert header == expected_header
    assert ours.shape == expected.shape
    np.testing.assert_array_equal(ours[:, :2], expected[:, :2])  # Year, Month
    assert np.abs(ours[:, 2:8] - expected[:, 2:8]).max() < TOLERANCE
    assert np.abs(ours[:, 8] - expected[:, 8]).max() < 0.01  # delta 14C, per mil
    assert not [path for path in tmp_path.iterdir() if path.name != name]  # no temporary file left


#: Rothamsted's monthly rainfall and open-pan evaporation (mm), the table of section 1.6 of the description.
RAIN = np.array([74.0, 59, 62, 51, 52, 57, 34, 55, 58, 56, 75, 71])
EVAPORATION = np.array([8.0, 10, 27, 49, 83, 99, 103, 91, 69, 34, 16, 8])
#: Hoosfield before 1852 (section 2.1): 0.212 t C/ha a month, January to July and December, cover then.
HOOSFIELD_INPUT = np.array([0.212] * 7 + [0.0] * 4 + [0.212])


def _batch() -> tuple[Drivers, Drivers]:
    """Three fields (Hoosfield-like, a warmer clay soil with more input, a bare manured sand): spin-up
    drivers for one year, forward drivers for ten years of varying weather."""
    temperature = 9.5 - 6.5 * np.cos(2 * np.pi * (np.arange(12) + 0.5) / 12)
    spinup = Drivers(
        temperature=np.vstack([temperature, temperature + 3.0, temperature - 1.0]),
        rainfall=np.vstack([RAIN, 0.6 * RAIN, 1.5 * RAIN]), evaporation=EVAPORATION,
        plant_cover=np.vstack([HOOSFIELD_INPUT > 0, np.ones(12), np.zeros(12)]),
        plant_input=np.vstack([HOOSFIELD_INPUT, 1.5 * HOOSFIELD_INPUT, 0.5 * HOOSFIELD_INPUT]),
        fym_input=np.vstack([np.full(12, 0.01), 0.05 * (temperature > 10), np.full(12, 0.1)]),
        dpm_rpm_ratio=np.array([[1.44], [0.67], [1.44]]), clay=np.array([23.4, 45.0, 5.0]),
        depth=np.array([23.0, 30.0, 20.0]))
    rng = np.random.default_rng(0)

    def varied(monthly: np.ndarray, spread: float) -> np.ndarray:
        return np.tile(monthly, 10) * rng.uniform(1 - spread, 1 + spread, (3, 120))

    forward = dataclasses.replace(
        spinup, temperature=np.tile(spinup.temperature, 10) + rng.normal(0, 1.5, (3, 120)),
        rainfall=varied(np.asarray(spinup.rainfall), 0.5), evaporation=varied(np.tile(EVAPORATION, (3, 1)), 0.2),
        plant_cover=np.tile(spinup.plant_cover, 10), plant_input=varied(np.asarray(spinup.plant_input), 0.3),
        fym_input=np.tile(spinup.fym_input, 10))
    return spinup, forward


def _field(drivers: Drivers, index: int) -> Drivers:
    return dataclasses.replace(drivers, **{
        field.name: np.asarray(getattr(drivers, field.name))[index:index + 1]
        for field in dataclasses.fields(drivers) if np.shape(getattr(drivers, field.name))[:1] == (3,)})


def test_copies_of_a_field_run_alike(example):
    def copies(drivers: Drivers) -> Drivers:
        return dataclasses.replace(drivers, **{field.name: np.repeat(getattr(drivers, field.name), 3, axis=0)
                                               for field in dataclasses.fields(drivers)
                                               if np.ndim(getattr(drivers, field.name)) > 0})
    one = simulate(example.forward, equilibrium(example.spinup, example.iom))
    three = simulate(copies(example.forward), equilibrium(copies(example.spinup), example.iom))
    for field in range(3):
        np.testing.assert_allclose(three.pools[field], one.pools[0], rtol=0, atol=1e-12)


def test_a_batch_of_different_fields_equals_each_field_run_alone():
    spinup, forward = _batch()
    batch = simulate(forward, equilibrium(spinup, [3.0, 4.0, 2.0]), record="year")
    for field, iom in enumerate([3.0, 4.0, 2.0]):
        alone = simulate(_field(forward, field), equilibrium(_field(spinup, field), iom), record="year")
        np.testing.assert_allclose(batch.pools[field], alone.pools[0], rtol=1e-12, atol=1e-12)


def test_repeated_drivers_run_like_the_same_drivers_written_out():
    spinup, _ = _batch()
    start = equilibrium(spinup, 3.0)
    monthly = {field.name: np.tile(np.broadcast_to(getattr(spinup, field.name), (3, 12)), 5)
               for field in dataclasses.fields(spinup) if field.name not in ("clay", "depth")}
    repeated = simulate(spinup, start, n_months=60)
    written = simulate(dataclasses.replace(spinup, **monthly), start)
    np.testing.assert_allclose(repeated.pools, written.pools, rtol=1e-13)
    np.testing.assert_allclose(repeated.pools[:, 11::12], simulate(spinup, start, 60, record="year").pools)


def test_equilibrium_is_a_fixed_point_of_its_cycle():
    spinup, _ = _batch()
    def two_years(name: str, second_year: float = 1.0) -> np.ndarray:
        year = np.broadcast_to(getattr(spinup, name), (3, 12))
        return np.hstack([year, second_year * year])

    monthly = ("temperature", "rainfall", "evaporation", "plant_cover", "fym_input", "dpm_rpm_ratio", "modern")
    rotation = dataclasses.replace(spinup, plant_input=two_years("plant_input", 2.0),
                                   **{name: two_years(name) for name in monthly})
    for drivers in (spinup, rotation):
        start = equilibrium(drivers, 3.0, radiocarbon=True)
        after = simulate(drivers, start).final
        np.testing.assert_allclose(after.active, start.active, rtol=1e-10)
        np.testing.assert_allclose(after.activity, start.activity, rtol=1e-10)
        np.testing.assert_array_equal(after.tsmd, start.tsmd)


def test_moisture_deficit_settles_like_a_long_run(monkeypatch):
    """Nearly balanced years drift drier for decades before a limit settles them: skipped, not iterated."""
    balance = np.array([-10.0, -10, -5, 0, 5, 5, 4.5, 10, 0, 0, 0, 0])  # -0.5 mm a year, never above 0
    cover = np.ones((2, 12))
    cover[1, [1, 9]] = 0.0  # bare while drying (limited at the bare-soil deficit) and while wetting up
    drivers = Drivers(temperature=10.0, rainfall=balance + 30.0, evaporation=40.0, plant_cover=cover,
                      plant_input=0.2, clay=[20.0, 60.0], depth=[25.0, 40.0])
    terms = rothc.step.MonthlyTerms.from_drivers(drivers, load_parameters())
    tsmd = np.zeros(2)
    for _ in range(300):
        for month in range(12):
            tsmd = rothc.tsmd_step(tsmd, terms.water_balance[month], terms.covered[month], terms.maximum_tsmd,
                                   terms.bare_tsmd)
    monkeypatch.setattr(rothc.modifiers, "_MAX_CYCLES", 5)  # 40-70 cycles of drift, then settled
    np.testing.assert_allclose(annual_maps(drivers).tsmd, tsmd, atol=1e-9)
    assert tsmd[0] == pytest.approx(terms.maximum_tsmd[0] + 24.5)  # the maximum is reached in March


def test_no_decomposition_has_no_equilibrium():
    drivers = Drivers(temperature=np.array([[-10.0] * 12, [5.0] * 12]), rainfall=50.0, evaporation=20.0, plant_cover=1,
                      plant_input=0.1, clay=20.0, depth=23.0)
    state = equilibrium(drivers, 2.0)
    assert np.isnan(state.active[0]).all() and np.isfinite(state.active[1]).all()


@pytest.mark.parametrize("source", ["plant", "fym"])
def test_input_for_a_target_stock_reproduces_it_at_equilibrium(source):
    spinup, _ = _batch()
    iom = np.array([3.0, 4.0, 2.0])
    target = np.array([45.0, 80.0, 30.0])
    response = equilibrium_response(spinup)
    needed = response.input_for_soc(target, iom, source=source)
    name, annual = ("plant_input", response.annual_plant) if source == "plant" else ("fym_input", response.annual_fym)
    scaled = dataclasses.replace(spinup, **{name: np.asarray(getattr(spinup, name)) * (needed / annual)[:, None]})
    spun_up = equilibrium(scaled, iom)
    np.testing.assert_allclose(spun_up.soc, target, rtol=1e-9)
    scales = {f"{source}_scale": response.scale_for_soc(target, iom, source)}
    np.testing.assert_allclose(response.state(iom, **scales).active, spun_up.active, rtol=1e-9)
    per_plant, per_fym = response.soc_per_input()
    per_unit, other = (per_plant, response.fym) if source == "plant" else (per_fym, response.plant)
    np.testing.assert_allclose(per_unit * needed, target - iom - other.sum(axis=1))


def test_linear_response_matches_a_forward_run():
    spinup, _ = _batch()
    old = equilibrium(spinup, 3.0)
    practice = dataclasses.replace(spinup, decomposition_scale=0.9, fym_input=np.asarray(spinup.fym_input) + 0.05)
    response = linear_response(practice, 30)
    run = simulate(practice, State(active=0.8 * old.active, iom=old.iom, tsmd=annual_maps(practice).tsmd),
                   n_months=30 * 12, record="year")
    soc = response.soc(0.8 * old.active, old.iom)
    np.testing.assert_allclose(soc[:, 1:], run.soc, rtol=1e-10)
    np.testing.assert_allclose(response.active(0.8 * old.active)[:, 1:], run.pools[..., :4], rtol=1e-10)
    # Many fields mapped to their context, and the inverse: input for +4 per 1000 a year over 20 years.
    index = np.array([2, 0, 0, 1])
    start = old.active[index]
    target = 1.004**20 * old.soc[index]
    scale = response.plant_scale_for_soc(start, old.iom[index], target, year=20, index=index)
    reached = response.soc(start, old.iom[index], plant_scale=scale, index=index)[:, 20]
    np.testing.assert_allclose(reached, target, rtol=1e-10)


def test_rothamsted_moisture_example_of_the_description():
    """The accumulated TSMD table of section 1.6 (23.4 % clay, 0-23 cm, cropped)."""
    params = load_parameters()
    maximum, bare = rothc.moisture_limits(23.4, 23.0, params)
    assert maximum == pytest.approx(-44.94, abs=0.005)
    tsmd, path = np.zeros(1), []
    for r, e in zip(RAIN, EVAPORATION):
        tsmd = rothc.tsmd_step(tsmd, np.array([r - 0.75 * e]), np.array([True]), maximum, bare)
        path.append(tsmd[0])
    expected = [0, 0, 0, 0, -10.25, -27.50, -44.94, -44.94, -38.69, -8.19, 0, 0]
    np.testing.assert_allclose(path, expected, atol=0.005)
    assert rothc.humified_fraction(23.4, params) == pytest.approx(1 / 4.51, abs=1e-3)  # CO2/(BIO+HUM) = 3.51
    assert rothc.falloon_iom(33.8) == pytest.approx(2.7, abs=0.05)  # section 2.1, Hoosfield
    a = rothc.temperature_modifier([-20.0, -6.0, -4.0, 9.29, 30.0], params)
    assert a[0] == a[1] == 0.0 and 0 < a[2] < 0.05 and a[3] == pytest.approx(1.0, abs=1e-3) and a[4] < 47.91


def test_every_parameter_has_a_source_and_a_broken_table_is_named(tmp_path, monkeypatch):
    params = load_parameters()
    assert params.k_dpm == 10.0 and params.k_hum == 0.02 and params.bio_fraction == 0.46
    table = (Path(rothc.__file__).parents[2] / "data" / "rothc_parameters.csv").read_text()
    broken = tmp_path / "rothc_parameters.csv"
    broken.write_text(table.replace("k_rpm,0.3,", "k_rmp,0.3,"))
    monkeypatch.setattr("recommender.knowledge._tables.data_path", lambda name: broken)
    load_parameters.cache_clear()
    try:
        with pytest.raises(KnowledgeBaseError, match=r"rothc_parameters.csv: data row 2, column 'parameter'.*k_rmp"):
            load_parameters()
    finally:
        load_parameters.cache_clear()


EXAMPLE_HEAD = """example input
clay and depth are only needed once
 (%) (cm) (t C/ha) (-)
clay depth iom nsteps
13.0 25.0 3.0 {steps}
units
year month modern Tmp Rain Evap C_inp FYM PC DPM_RPM
"""


def _text(rows: list[str], steps: int | None = None) -> str:
    return EXAMPLE_HEAD.format(steps=len(rows) if steps is None else steps) + "\n".join(rows) + "\n"


SPINUP = [f"1 {month} 100 8.0 60 40 {0.15 if month < 9 else 0} 0 1 1.44" for month in range(1, 13)]


@pytest.mark.parametrize(("rows", "steps", "message"), [
    (SPINUP[:5] + ["1 6 100 8.0 sixty 40 0 0 1 1.44"] + SPINUP[6:], None, r"line 13: Rain must be a number"),
    (SPINUP + ["2 1 100 8.0 60 40 0 0 1"], None, r"line 20: expected 10 values"),
    (SPINUP + ["2 1 100 8.0 60 40 0 0 0.5 1.44"], None, r"line 20: PC \(plant cover\) must be 0 or 1"),
    (SPINUP + ["2 13 100 8.0 60 40 0 0 1 1.44"], None, r"line 20: month must be 1 to 12"),
    (SPINUP, 24, r"line 5: nsteps is 24 but the file has 12 monthly rows"),
    (SPINUP[1:] + SPINUP[:1], None, r"line 8: .*expected month 1, got 2"),
])
def test_malformed_input_names_the_line(rows, steps, message):
    with pytest.raises(RothCInputError, match=r"^my.dat, " + message):
        parse_input(_text(rows, steps), source="my.dat")


def test_a_small_input_runs(tmp_path):
    path = tmp_path / "small.dat"
    path.write_text(_text(SPINUP + [line.replace("1 ", "2 ", 1) for line in SPINUP]))
    data = read_input(path)
    assert (data.clay, data.depth, data.iom, data.n_steps) == (13.0, 25.0, 3.0, 24)
    output = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["rothc", "run", str(path), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert len(output.read_text().splitlines()) == 3  # header, spun-up state, one December


def _refused(args: list[str]) -> str:
    result = CliRunner().invoke(main, ["rothc", "run", *args])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_cli_refuses_to_overwrite_its_input_or_a_folder(tmp_path):
    path = tmp_path / "input.dat"
    path.write_text(_text(SPINUP))
    assert "is the input file" in _refused([str(path), "-o", str(path)])
    assert "is the input file" in _refused([str(path), "-o", str(tmp_path / "." / "input.dat")])
    assert "is a folder" in _refused([str(path), "-o", str(tmp_path)])
    assert path.read_text() == _text(SPINUP)


def test_cli_names_the_file_and_line_of_a_bad_input(tmp_path):
    bad = tmp_path / "bad.dat"
    bad.write_text(_text(SPINUP[:11] + ["1 12 100 8.0 60 -4 0 0 1 x"]))
    output = tmp_path / "out.csv"
    assert _refused([str(bad), "-o", str(output)]) == (
        f"Error: {bad}, line 19: DPM_RPM must be a number, got 'x'")
    frozen = tmp_path / "frozen.dat"
    frozen.write_text(_text([line.replace(" 8.0 ", " -10.0 ") for line in SPINUP]))
    assert "has no equilibrium: nothing decomposes" in _refused([str(frozen), "-o", str(output)])
    frozen.unlink()
    missing = _refused([str(tmp_path / "missing.dat"), "-o", str(output)])
    assert "missing.dat: cannot read the RothC input file" in missing
    assert not output.exists() and list(tmp_path.iterdir()) == [bad]
