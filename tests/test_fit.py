"""The auto-fit engine, with a fake `measure` instead of WeasyPrint (fast)."""

from __future__ import annotations

import pytest

from handouts.render.fit import POLICIES, FitPolicy, Measured, Setting, fit, growth_limit, ladder, skip_to


def fake(capacity: float, compact_bonus: float = 0.0):
    """A page that holds text up to `capacity` pt body size (more with each
    compact level); fill grows with the square of the size, like real text."""
    calls: list[Setting] = []

    def measure(setting: Setting) -> Measured[Setting]:
        calls.append(setting)
        room = capacity + compact_bonus * setting.compact
        return Measured(setting.body_pt <= room, (setting.body_pt / room) ** 2 * 0.97, setting)

    return measure, calls


def test_fits_at_start_in_one_pass():
    measure, calls = fake(capacity=14)
    result = fit(measure, 12.5, 12, 0, FitPolicy())
    assert result.fits
    assert result.setting == Setting(12.5)
    assert result.passes == 1 == len(calls)


def test_shrinks_by_steps_never_below_the_minimum():
    measure, calls = fake(capacity=11.2)
    result = fit(measure, 12.5, 11, 0, FitPolicy(step=0.94))
    assert result.fits
    sizes = [c.body_pt for c in calls]
    assert sizes == [12.5, 11.75, 11.04]  # 12.5 * 0.94 = 11.75, then 11.045 rounded
    assert all(s >= 11 for s in sizes)


def test_compact_levels_at_the_minimum_then_gives_up():
    measure, calls = fake(capacity=8, compact_bonus=0.1)
    result = fit(measure, 10, 9, 0, FitPolicy(compact_levels=2))
    assert not result.fits
    assert result.setting == Setting(9, 2)
    assert [c.compact for c in calls if c.body_pt == 9] == [0, 1, 2]


def test_compact_level_that_fits_is_kept():
    measure, _ = fake(capacity=8.95, compact_bonus=0.1)
    result = fit(measure, 10, 9, 0, FitPolicy())
    assert result.fits
    assert result.setting == Setting(9, 1)


def test_grows_to_fill_up_to_the_maximum():
    measure, _ = fake(capacity=20)
    result = fit(measure, 10, 9, 40, FitPolicy())
    assert result.fits
    assert 10 * 1.02 < result.setting.body_pt <= 20


def test_growth_is_capped_by_max_pt():
    measure, _ = fake(capacity=100)
    result = fit(measure, 10, 9, 13, FitPolicy())
    assert result.setting.body_pt == 13


def test_no_growth_after_shrinking():
    measure, _ = fake(capacity=11.9)
    result = fit(measure, 12.5, 11, 30, FitPolicy())
    assert result.setting.body_pt < 12.5


def test_a_fitting_hint_takes_one_pass_and_a_bad_hint_falls_back():
    measure, calls = fake(capacity=20)
    fresh = fit(measure, 10, 9, 40, FitPolicy())
    calls.clear()
    again = fit(measure, 10, 9, 40, FitPolicy(), hint=fresh.setting)
    assert again.setting == fresh.setting
    assert again.passes == 1
    measure, calls = fake(capacity=11)
    result = fit(measure, 10, 9, 40, FitPolicy(), hint=Setting(30))  # no longer fits: search again
    assert result.fits
    assert result.setting.body_pt <= 11
    assert result.passes > 1


def test_hint_outside_the_limits_is_ignored():
    measure, calls = fake(capacity=20)
    fit(measure, 10, 9, 12, FitPolicy(), hint=Setting(50))
    assert Setting(50) not in calls


@pytest.mark.parametrize("kind", sorted(POLICIES))
def test_every_policy_keeps_to_its_limits(kind):
    policy = POLICIES[kind]
    assert 0 < policy.step < 1
    assert 0 < policy.grow_back < 1
    assert policy.growth >= 1
    measure, calls = fake(capacity=5)
    result = fit(measure, 10, 8, 0, policy)
    assert not result.fits
    assert min(c.body_pt for c in calls) == 8


def test_growth_limit():
    assert growth_limit(24, 16.5, POLICIES["poster"], may_grow=True) == 24
    assert growth_limit(0, 12.5, POLICIES["flyer"], may_grow=True) == pytest.approx(12.5 * 1.3)
    assert growth_limit(0, 12.5, POLICIES["flyer"], may_grow=False) == 0
    assert growth_limit(0, 10, POLICIES["sign"], may_grow=True) == 25


def measured_need(capacity: float, error: float = 1.0):
    """Like fake(), and the pass also says how much room the text needs (as a
    real layout does, from the pages it ran onto); `error` makes that guess off."""
    calls: list[Setting] = []

    def measure(setting: Setting) -> Measured[Setting]:
        calls.append(setting)
        need = (setting.body_pt / capacity) ** 2 * error
        return Measured(setting.body_pt <= capacity, min(need, 1.0) * 0.97, setting, need)

    return measure, calls


@pytest.mark.parametrize("error", [1.0, 0.8, 1.25, 1.6])
@pytest.mark.parametrize("capacity", [16.3, 14.1, 13.0, 12.2, 11.0])
def test_a_measured_need_skips_steps_but_ends_on_the_same_step(capacity, error):
    """Knowing how far the text runs over skips the shrink steps it surely
    needs, yet the answer is the step that stepping one by one finds, even when
    the square rule is off by a quarter either way."""
    stepping, one_by_one = fake(capacity)
    plain = fit(stepping, 24, 10, 0, FitPolicy())
    measure, calls = measured_need(capacity, error)
    skipped = fit(measure, 24, 10, 0, FitPolicy())
    assert skipped.setting == plain.setting
    assert len(calls) <= len(one_by_one)
    if error == 1.0 and len(one_by_one) > 4:
        assert len(calls) < len(one_by_one) - 1


def test_the_ladder_is_the_steps_shrinking_takes():
    assert ladder(12.5, 11, 0.94) == [12.5, 11.75, 11.04, 11]
    assert skip_to([12.5, 11.75, 11.04, 11], 1.0) == 0
    sizes = ladder(24, 10, 0.94)  # ..., 14.64, 13.76, 12.93, ...: 12.93 is the first at or under 13
    assert skip_to(sizes, (24 / 13) ** 2) == sizes.index(14.64)
