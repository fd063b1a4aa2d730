"""How unusual is a run of k sessions? Null models for the longest "A beat B" run.

Three answers, from the simplest to the one that keeps most of the data's structure:
(a) independent days, each a win with the empirical win rate p (exact recursion; simulation as
    a check);
(b) a two-state Markov chain fitted to the win/loss sequence, so yesterday's winner may be more
    (or less) likely to win today (exact recursion; simulation as a check);
(c) a stationary block bootstrap (Politis & Romano 1994) of the daily return margins: blocks of
    the real margins, starting at random days, with geometric lengths of mean
    `data_driven_block(margin)` sessions (Politis & White's rule, via `arch`), glued with
    wrap-around. It keeps volatility clustering and short-range dependence; simulation only.
    `odds_by_block` shows how the odds move with the mean block (n ** (1/3) = 21 included).

For each model: the probability that the longest win run over a sample of n sessions is at
least k, the probability of such a run inside one year of `YEAR` sessions (starting in the
model's steady state), and the expected longest run over the sample. A "win" is A beating B
outright; a tie counts as a loss, as in `helpers.analysis.streaks`.

The exact recursion tracks the current win-run length 0..k-1 as a Markov state and lets mass
leak out when a run reaches k; the n-step product is a matrix power, so it costs O(k^3 log n).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.config import cache_dir
from helpers.files import atomic_write

YEAR = 252  # sessions in a typical US trading year
DEFAULT_SEED = 20260122
CHUNK = 1_000  # simulated histories generated at once: bounds memory to ~10 MB per 1k x 10k

Sampler = Callable[[np.random.Generator, int], np.ndarray]


# --- remembered results ------------------------------------------------------------------------
#
# The simulations are deterministic (seeded), so a table is a function of its inputs: it is
# kept in <cache>/computed/ under a hash of every argument (a series by its values and dates),
# this module's source and the versions of numpy, pandas and arch, and read back instead of
# simulated again. Any change to an input or to the code computes afresh.

COMPUTED = "computed"


def _digest(name: str, args: tuple, kwargs: dict) -> str:
    sha = hashlib.sha256(name.encode())
    sha.update(Path(__file__).read_bytes())
    for package in ("numpy", "pandas", "arch"):
        sha.update(f"{package} {_version(package)}".encode())
    for value in [*args, *sorted(kwargs.items())]:
        sha.update(_fingerprint(value))
    return sha.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def _fingerprint(value: Any) -> bytes:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return value[0].encode() + b"=" + _fingerprint(value[1])
    if isinstance(value, pd.Series):
        index = pd.util.hash_pandas_object(value.index).to_numpy()
        return _fingerprint(value.to_numpy()) + b"@" + index.tobytes()
    if isinstance(value, np.ndarray):
        return f"{value.dtype}{value.shape}".encode() + np.ascontiguousarray(value).tobytes()
    return repr(value).encode() + b";"


def remembered(compute: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """`compute`, its result kept in the cache by a hash of its inputs (see above)."""

    @functools.wraps(compute)
    def wrapper(*args: Any, **kwargs: Any) -> pd.DataFrame:
        path = (
            cache_dir()
            / COMPUTED
            / f"{compute.__name__}-{_digest(compute.__name__, args, kwargs)}.pkl"
        )
        try:
            return pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass  # not computed yet, or unreadable: compute it again
        table = compute(*args, **kwargs)
        atomic_write(path, lambda tmp: Path(tmp).write_bytes(pickle.dumps(table, protocol=5)))
        return table

    return wrapper


@dataclass(frozen=True)
class WinChain:
    """A two-state chain for daily wins: P(win | won yesterday), P(win | lost yesterday).

    Independent days are the special case where both are equal."""

    after_win: float
    after_loss: float

    @property
    def stationary_win_rate(self) -> float:
        """Long-run share of wins; the chain starts here so every day is alike."""
        return self.after_loss / (1.0 - self.after_win + self.after_loss)

    @classmethod
    def independent(cls, win_rate: float) -> WinChain:
        return cls(after_win=win_rate, after_loss=win_rate)


def wins_from_margin(margin: pd.Series | np.ndarray) -> np.ndarray:
    """A beat B outright (margin > 0); ties are not wins."""
    return np.asarray(margin) > 0


def fit_markov(wins: np.ndarray) -> WinChain:
    """Maximum-likelihood transition probabilities from consecutive pairs of days."""
    wins = np.asarray(wins, dtype=bool)
    previous, today = wins[:-1], wins[1:]
    return WinChain(
        after_win=float(today[previous].mean()),
        after_loss=float(today[~previous].mean()),
    )


# --- exact ------------------------------------------------------------------------------------


def prob_longest_at_least(chain: WinChain, n: int, k: int) -> float:
    """P(some win run of >= k sessions within n sessions), chain started at its steady state."""
    if k > n:
        return 0.0
    if k < 1:
        return 1.0
    first_win = chain.stationary_win_rate
    # survive[j] = P(no run of k so far and the current win run has length j), j = 0..k-1
    survive = np.zeros(k)
    survive[0] = 1.0 - first_win
    if k > 1:
        survive[1] = first_win
    step = np.zeros((k, k))
    step[0, 0] = 1.0 - chain.after_loss
    step[1:, 0] = 1.0 - chain.after_win
    if k > 1:
        step[0, 1] = chain.after_loss
        step[np.arange(1, k - 1), np.arange(2, k)] = chain.after_win
    survive = survive @ np.linalg.matrix_power(step, n - 1)
    return float(np.clip(1.0 - survive.sum(), 0.0, 1.0))


def expected_longest(chain: WinChain, n: int, tolerance: float = 1e-10) -> float:
    """E[longest win run in n sessions] = sum over k >= 1 of P(longest >= k)."""
    total, k = 0.0, 1
    while k <= n:
        tail = prob_longest_at_least(chain, n, k)
        total += tail
        if tail < tolerance:
            break
        k += 1
    return total


# --- simulation -------------------------------------------------------------------------------


def longest_runs(wins: np.ndarray) -> np.ndarray:
    """Longest run of True in each row of a 2-D boolean array, without a Python loop over days.

    Each row is padded with a loss at both ends; in the flattened array the gaps between
    consecutive losses are the run lengths, and a row's gaps start at its leading pad.
    """
    rows, days = wins.shape
    losses = np.ones((rows, days + 2), dtype=bool)
    np.logical_not(wins, out=losses[:, 1:-1])
    at = np.flatnonzero(losses)
    first_of_row = np.searchsorted(at, np.arange(rows) * (days + 2))
    return np.maximum.reduceat(np.diff(at), first_of_row) - 1


def iid_sampler(win_rate: float, n: int) -> Sampler:
    """Histories of n independent days, each a win with probability `win_rate`."""

    def sample(rng: np.random.Generator, histories: int) -> np.ndarray:
        return rng.random((histories, n)) < win_rate

    return sample


def markov_sampler(chain: WinChain, n: int) -> Sampler:
    """Histories from the fitted chain, started at its steady state.

    Day t is a win when its uniform is below P(win | day t-1), as a loop over days would
    draw it, but without the loop: a uniform below both transition probabilities is a win and
    one above both a loss whatever came before; only one between them (under 1 % of days for
    the fitted chains) depends on the day before, and takes its value (or the opposite, when a
    win makes the next win less likely), resolved along chains of such days.
    """
    low, high = sorted((chain.after_win, chain.after_loss))
    flips = chain.after_win < chain.after_loss

    def sample(rng: np.random.Generator, histories: int) -> np.ndarray:
        uniforms = rng.random((n, histories))  # day-major, as the loop drew them
        wins = uniforms < low
        wins[0] = uniforms[0] < chain.stationary_win_rate
        open_days = (uniforms >= low) & (uniforms < high)
        open_days[0] = False
        flat, still_open = wins.ravel(), open_days.ravel()
        # in the day-major flat array, index - histories is the same history the day before
        pending = np.flatnonzero(still_open)
        while pending.size:
            settled = ~still_open[pending - histories]
            done = pending[settled]
            flat[done] = flat[done - histories] ^ flips
            still_open[done] = False
            pending = pending[~settled]
        return wins.T

    return sample


def default_mean_block(n: int) -> int:
    """The old rule of thumb for the mean block: round(n ** (1/3)) (about 21 for 38 years),
    shown beside the data-driven choice; it ignores how dependent the data actually are."""
    return max(1, round(n ** (1 / 3)))


def data_driven_block(margin: pd.Series | np.ndarray) -> float:
    """Mean block length of the stationary bootstrap chosen from the data: Politis & White
    (2004, with Patton, Politis & White's 2009 correction), as `arch.bootstrap.
    optimal_block_length` computes it for the daily margins; at least 1 session.

    The rule balances the bias of too-short blocks (breaking the dependence the longest run
    depends on) against the variance of too-long ones, from the margins' autocorrelations.
    """
    from arch.bootstrap import optimal_block_length

    values = np.asarray(margin, dtype=float)
    values = values[np.isfinite(values)]
    return max(1.0, float(optimal_block_length(values)["stationary"].iloc[0]))


@remembered
def odds_by_block(
    margin: pd.Series,
    thresholds: Sequence[int],
    blocks: Sequence[float],
    histories: int = 2_000,
    seed: int = DEFAULT_SEED,
    year: int = YEAR,
) -> pd.DataFrame:
    """Block-bootstrap odds of a win run of at least k sessions at several mean block lengths:
    how much the answer depends on the block (rows: block x threshold; p_sample, p_year,
    expected_longest). Each block length draws from its own generator seeded alike."""
    rows = []
    values = np.asarray(margin)
    for block in blocks:
        sim = simulate_longest(
            bootstrap_sampler(values, float(block)), histories, np.random.default_rng(seed), year
        )
        rows += [
            {
                "mean_block": float(block),
                "threshold": int(k),
                "p_sample": sim.prob_sample_at_least(k),
                "p_year": sim.prob_year_at_least(k),
                "expected_longest": float(sim.sample.mean()),
            }
            for k in thresholds
        ]
    return pd.DataFrame(rows)


def stationary_bootstrap_indices(
    rng: np.random.Generator, n: int, histories: int, mean_block: float
) -> np.ndarray:
    """Politis-Romano resampling positions: each day starts a new block with probability
    1/mean_block (the first day always does) at a uniform random position, otherwise
    continues the previous block one day later, wrapping around the end of the data.

    Every day draws its uniform and its random position (only a block's first day uses it),
    so the draws do not depend on the mean block. Built block by block on the flattened
    histories (a block never crosses a row, since every row starts one): position i of a block
    that starts at s is origin[s] + (i - s), less n past the end.
    """
    new_block = rng.random((histories, n)) < 1.0 / mean_block
    new_block[:, 0] = True
    # int32: the same draws as int64 (numpy draws a range under 2**32 with 32 bits), half the bytes
    origin = rng.integers(0, n, size=(histories, n), dtype=np.int32)
    index = np.int32 if new_block.size < 2**31 else np.int64
    starts = np.flatnonzero(new_block).astype(index)
    lengths = np.diff(starts, append=index(new_block.size))
    positions = np.repeat(origin.ravel()[starts] - starts, lengths)
    positions += np.arange(new_block.size, dtype=index)
    np.subtract(positions, n, out=positions, where=positions >= n)
    return positions.reshape(histories, n)


def bootstrap_sampler(margin: np.ndarray, mean_block: float) -> Sampler:
    """Histories of the real daily margins resampled in stationary-bootstrap blocks."""
    wins = wins_from_margin(np.asarray(margin, dtype=float))

    def sample(rng: np.random.Generator, histories: int) -> np.ndarray:
        return wins[stationary_bootstrap_indices(rng, len(wins), histories, mean_block)]

    return sample


@dataclass(frozen=True)
class SimulatedLongest:
    """Longest win run of every simulated history, and of every full year inside them."""

    sample: np.ndarray  # shape (histories,)
    years: np.ndarray  # shape (histories * whole years,)

    def prob_sample_at_least(self, k: int) -> float:
        return float((self.sample >= k).mean())

    def prob_year_at_least(self, k: int) -> float:
        return float((self.years >= k).mean())


def simulate_longest(
    sampler: Sampler, histories: int, rng: np.random.Generator, year: int = YEAR
) -> SimulatedLongest:
    """Run `sampler` in chunks; keep only the longest runs, never the histories."""
    sample_parts, year_parts = [], []
    for size in _chunk_sizes(histories):
        wins = sampler(rng, size)
        whole_years = wins.shape[1] // year
        sample_parts.append(longest_runs(wins))
        year_parts.append(longest_runs(wins[:, : whole_years * year].reshape(-1, year)))
    return SimulatedLongest(np.concatenate(sample_parts), np.concatenate(year_parts))


def _chunk_sizes(total: int) -> list[int]:
    return [min(CHUNK, total - done) for done in range(0, total, CHUNK)]


# --- the answer the notebook shows -------------------------------------------------------------


@remembered
def odds_table(
    margin: pd.Series,
    thresholds: Sequence[int],
    histories: int = 10_000,
    seed: int = DEFAULT_SEED,
    mean_block: float | None = None,
    year: int = YEAR,
) -> pd.DataFrame:
    """Odds of a win run of at least k sessions, for each k and each null model.

    Rows: model x method (exact / simulated) x threshold. Columns: p_sample (longest run over
    a sample as long as `margin` is at least k), p_year (such a run within one year of `year`
    sessions) and expected_longest (over the sample).
    """
    wins = wins_from_margin(margin)
    n = len(wins)
    iid = WinChain.independent(float(wins.mean()))
    markov = fit_markov(wins)
    block = mean_block or round(data_driven_block(margin), 2)
    rng = np.random.default_rng(seed)
    simulated = {
        "independent days": simulate_longest(iid_sampler(iid.after_win, n), histories, rng, year),
        "Markov chain": simulate_longest(markov_sampler(markov, n), histories, rng, year),
        f"block bootstrap (mean block {block:g})": simulate_longest(
            bootstrap_sampler(np.asarray(margin), block), histories, rng, year
        ),
    }
    exact = {"independent days": iid, "Markov chain": markov}
    rows = []
    for model, chain in exact.items():
        longest = expected_longest(chain, n)
        rows += [
            _row(
                model,
                "exact",
                k,
                prob_longest_at_least(chain, n, k),
                prob_longest_at_least(chain, year, k),
                longest,
            )
            for k in thresholds
        ]
    for model, sim in simulated.items():
        method = f"simulated, {histories:,} histories"
        rows += [
            _row(
                model,
                method,
                k,
                sim.prob_sample_at_least(k),
                sim.prob_year_at_least(k),
                float(sim.sample.mean()),
            )
            for k in thresholds
        ]
    return pd.DataFrame(rows)


def _row(model: str, method: str, k: int, p_sample: float, p_year: float, longest: float) -> dict:
    return {
        "model": model,
        "method": method,
        "threshold": k,
        "p_sample": p_sample,
        "p_year": p_year,
        "expected_longest": longest,
    }


def run_length_histogram(lengths: pd.Series, win_rate: float) -> pd.DataFrame:
    """Observed count of runs of each length against the geometric expectation.

    Under independent days a win run continues with probability p, so of N win runs about
    N (1 - p) p^(L-1) have length exactly L.
    """
    lengths = np.asarray(lengths, dtype=int)
    span = np.arange(1, lengths.max() + 1)
    observed = np.bincount(lengths, minlength=span[-1] + 1)[1:]
    expected = len(lengths) * (1 - win_rate) * win_rate ** (span - 1)
    return pd.DataFrame(
        {"observed": observed, "expected": expected}, index=pd.Index(span, name="length")
    )
