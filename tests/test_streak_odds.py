"""Null models for the longest run: exact recursion against brute force, simulation against
the exact answer, and the bootstrap's resampling rule."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers.analysis import streak_odds as odds


def longest_run(sequence: tuple[bool, ...]) -> int:
    best = current = 0
    for win in sequence:
        current = current + 1 if win else 0
        best = max(best, current)
    return best


def brute_force_prob(chain: odds.WinChain, n: int, k: int) -> float:
    """Sum the probability of every one of the 2^n histories whose longest run is >= k."""
    total = 0.0
    for history in itertools.product([False, True], repeat=n):
        first = chain.stationary_win_rate
        prob = first if history[0] else 1 - first
        for before, today in itertools.pairwise(history):
            p_win = chain.after_win if before else chain.after_loss
            prob *= p_win if today else 1 - p_win
        total += prob * (longest_run(history) >= k)
    return total


chains = st.builds(
    odds.WinChain,
    after_win=st.floats(0.05, 0.95),
    after_loss=st.floats(0.05, 0.95),
)


@settings(max_examples=40)
@given(chain=chains, n=st.integers(1, 10), k=st.integers(1, 11))
def test_exact_recursion_matches_brute_force_enumeration(chain, n, k):
    assert odds.prob_longest_at_least(chain, n, k) == pytest.approx(
        brute_force_prob(chain, n, k), abs=1e-12
    )


def test_exact_special_cases():
    fair = odds.WinChain.independent(0.5)
    assert odds.prob_longest_at_least(fair, 5, 6) == 0.0
    assert odds.prob_longest_at_least(fair, 5, 0) == 1.0
    assert odds.prob_longest_at_least(fair, 3, 3) == pytest.approx(1 / 8)
    assert odds.prob_longest_at_least(fair, 4, 1) == pytest.approx(1 - 1 / 16)


def test_expected_longest_matches_brute_force_mean():
    chain = odds.WinChain(after_win=0.7, after_loss=0.4)
    n = 8
    brute = sum(brute_force_prob(chain, n, k) for k in range(1, n + 1))
    assert odds.expected_longest(chain, n) == pytest.approx(brute, abs=1e-9)


def test_stationary_win_rate_of_a_sticky_chain():
    chain = odds.WinChain(after_win=0.8, after_loss=0.4)
    # pi = 0.4 / (1 - 0.8 + 0.4)
    assert chain.stationary_win_rate == pytest.approx(2 / 3)


def test_fit_markov_counts_transitions():
    wins = np.array([1, 1, 0, 1, 1, 1, 0, 0], dtype=bool)
    chain = odds.fit_markov(wins)
    # after a win: W,L,W,W,L -> 3/5 wins; after a loss: W,L -> 1/2
    assert (chain.after_win, chain.after_loss) == (pytest.approx(3 / 5), pytest.approx(1 / 2))


def test_wins_from_margin_treats_ties_as_losses():
    assert odds.wins_from_margin(pd.Series([0.1, 0.0, -0.2])).tolist() == [True, False, False]


@given(arrays(bool, st.tuples(st.integers(1, 6), st.integers(0, 40))))
def test_longest_runs_matches_a_loop(wins):
    assert odds.longest_runs(wins).tolist() == [longest_run(tuple(row)) for row in wins]


@pytest.mark.parametrize("sampler_of", ["iid", "markov"])
def test_simulation_agrees_with_the_exact_answer(sampler_of):
    chain = odds.WinChain(after_win=0.6, after_loss=0.45)
    if sampler_of == "iid":
        chain = odds.WinChain.independent(0.52)
        sampler = odds.iid_sampler(chain.after_win, 300)
    else:
        sampler = odds.markov_sampler(chain, 300)
    sim = odds.simulate_longest(sampler, 4_000, np.random.default_rng(7), year=100)
    for k in (6, 8, 10):
        p = odds.prob_longest_at_least(chain, 300, k)
        se = np.sqrt(p * (1 - p) / 4_000)
        assert abs(sim.prob_sample_at_least(k) - p) < 5 * se + 1e-3
    assert sim.years.shape == (4_000 * 3,)


def markov_by_day(chain: odds.WinChain, n: int, rng: np.random.Generator, histories: int):
    """The chain drawn the plain way, one day after another (the vectorised sampler's spec)."""
    uniforms = rng.random((n, histories))
    wins = np.empty((n, histories), dtype=bool)
    wins[0] = uniforms[0] < chain.stationary_win_rate
    for day in range(1, n):
        wins[day] = uniforms[day] < np.where(wins[day - 1], chain.after_win, chain.after_loss)
    return wins.T


@pytest.mark.parametrize(
    "chain",
    [
        odds.WinChain(after_win=0.5087, after_loss=0.5005),  # about the fitted ^RUT chain
        odds.WinChain(after_win=0.3, after_loss=0.7),  # a win makes the next one less likely
        odds.WinChain.independent(0.5),
        odds.WinChain(after_win=0.95, after_loss=0.05),  # long chains of days that copy
    ],
)
def test_markov_sampler_draws_what_a_loop_over_days_draws(chain):
    vectorised = odds.markov_sampler(chain, 400)(np.random.default_rng(2), 60)
    assert np.array_equal(vectorised, markov_by_day(chain, 400, np.random.default_rng(2), 60))


def test_markov_sampler_reproduces_its_transition_rates():
    chain = odds.WinChain(after_win=0.7, after_loss=0.3)
    wins = odds.markov_sampler(chain, 2_000)(np.random.default_rng(3), 20)
    fitted = odds.fit_markov(wins.ravel())  # row joins add ~19 stray pairs out of 40,000
    assert fitted.after_win == pytest.approx(0.7, abs=0.02)
    assert fitted.after_loss == pytest.approx(0.3, abs=0.02)


def test_bootstrap_blocks_are_consecutive_days_with_wraparound():
    positions = odds.stationary_bootstrap_indices(np.random.default_rng(5), 50, 30, 8.0)
    steps = np.diff(positions, axis=1)
    continuing = (steps == 1) | (steps == -49)
    # about 1 day in 8 starts a new block
    assert 0.8 < continuing.mean() < 0.95
    assert positions.min() >= 0 and positions.max() < 50


def bootstrap_positions_by_formula(rng: np.random.Generator, n: int, histories: int, block):
    """Each day's position read off its block's start, with a modulo (the spec)."""
    new_block = rng.random((histories, n)) < 1.0 / block
    new_block[:, 0] = True
    days = np.arange(n)
    block_start = np.maximum.accumulate(np.where(new_block, days, 0), axis=1)
    origin = rng.integers(0, n, size=(histories, n), dtype=np.int64)
    return (np.take_along_axis(origin, block_start, axis=1) + days - block_start) % n


@pytest.mark.parametrize("block", [1.0, 3.6, 21.0, 1e12])
def test_bootstrap_positions_are_the_formulas(block):
    positions = odds.stationary_bootstrap_indices(np.random.default_rng(8), 97, 40, block)
    expected = bootstrap_positions_by_formula(np.random.default_rng(8), 97, 40, block)
    assert np.array_equal(positions, expected)


def test_bootstrap_with_one_long_block_returns_the_data_rotated():
    margin = np.array([0.1, -0.1, 0.2, 0.3, -0.4])
    sample = odds.bootstrap_sampler(margin, mean_block=1e12)(np.random.default_rng(1), 3)
    rotations = [np.roll(margin > 0, -shift) for shift in range(len(margin))]
    for row in sample:
        assert any(np.array_equal(rotation, row) for rotation in rotations)


def test_default_mean_block_is_cube_root_rule():
    assert odds.default_mean_block(9_650) == 21
    assert odds.default_mean_block(1) == 1


def test_odds_table_shape_and_models():
    rng = np.random.default_rng(11)
    margin = pd.Series(rng.normal(0.0, 0.01, 600), index=pd.bdate_range("2020-01-01", periods=600))
    table = odds.odds_table(margin, thresholds=[5, 8], histories=200, seed=1, year=100)
    assert len(table) == 5 * 2
    block = round(odds.data_driven_block(margin), 2)
    assert set(table["model"]) == {
        "independent days",
        "Markov chain",
        f"block bootstrap (mean block {block:g})",
    }
    assert table["p_sample"].between(0, 1).all()
    assert (table["p_year"] <= table["p_sample"] + 0.05).all()


def test_run_length_histogram_geometric_expectation():
    table = odds.run_length_histogram(pd.Series([1, 1, 2, 4]), win_rate=0.5)
    assert table["observed"].tolist() == [2, 1, 0, 1]
    assert table["expected"].tolist() == pytest.approx([2.0, 1.0, 0.5, 0.25])


def test_data_driven_block_is_politis_white_via_arch():
    from arch.bootstrap import optimal_block_length

    rng = np.random.default_rng(5)
    noise = rng.normal(size=3000)
    persistent = np.empty_like(noise)
    persistent[0] = noise[0]
    for t in range(1, len(noise)):
        persistent[t] = 0.8 * persistent[t - 1] + noise[t]
    expected = optimal_block_length(persistent)["stationary"].iloc[0]
    assert odds.data_driven_block(persistent) == pytest.approx(expected)
    # dependent data need longer blocks than independent ones; never below one session
    assert odds.data_driven_block(persistent) > 5 * odds.data_driven_block(noise)
    assert odds.data_driven_block(noise) >= 1.0


def test_odds_by_block_shows_each_block_length():
    rng = np.random.default_rng(3)
    margin = pd.Series(rng.normal(0.0, 0.01, 500))
    table = odds.odds_by_block(margin, [4, 6], blocks=[1, 4.5, 21], histories=100, year=100)
    assert table["mean_block"].tolist() == [1.0, 1.0, 4.5, 4.5, 21.0, 21.0]
    assert table["p_sample"].between(0, 1).all()
    first = table.groupby("mean_block")["p_sample"].first()
    assert first.loc[1.0] >= table.loc[table["mean_block"] == 1.0, "p_sample"].iloc[1]
