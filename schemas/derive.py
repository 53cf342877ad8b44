"""Pooled inputs derived from what a paper printed: each method written once, here.

A trial report often prints a standard error, a confidence interval, a median with its
quartiles or range, or a percentage, where a meta-analysis needs a mean, an SD or a
count. These functions turn the printed numbers into the needed ones, and each returns
a `Derivation` that names its method, its formula and its inputs, so nothing is derived
silently: exports and plots mark the value `derived`, and a sensitivity analysis can
leave it out.

Sources (each function says which):
- Cochrane Handbook for Systematic Reviews of Interventions v6.4, section 6.5.2.2 (SD
  from an SE or a 95% CI of a group mean; t-based for small groups), 6.5.2.3 (from the
  CI or SE of a difference in means), Table 6.5.a (combining groups; used in 23.3.4);
- Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135 (SD from range or
  IQR: eqs. 7 and 16);
- Luo D, Wan X, Liu J, Tong T. Stat Methods Med Res 2018;27:1785 (mean from median with
  range, eq. 7 weights 4/(4+n^0.75); with IQR, eq. 11 weight 0.7+0.39/n).

Pure arithmetic: no I/O, no records. Numbers are floats; `n` is a group size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

# The Handbook's cut-off: below it a 95% CI of a group mean is taken to be t-based.
SMALL_GROUP = 60
_NORMAL = NormalDist()  # the standard normal's quantiles, without loading scipy
Z_975 = _NORMAL.inv_cdf(0.975)


@dataclass(frozen=True)
class Derivation:
    """One number not printed as such: how it was obtained, from what."""

    value: float
    method: str  # a short name, e.g. "SD from SE (Cochrane Handbook 6.5.2.2)"
    formula: str  # with the numbers filled in
    inputs: dict[str, float]  # what went in (field or quantity name -> number)
    quotes: dict[str, str] = field(default_factory=dict)  # field -> the paper's words
    warning: str = ""  # e.g. several counts fit a rounded percentage
    sources: tuple[str, ...] = ()  # the record fields it read (their triage is its trust)

    def describe(self) -> str:
        note = f"; {self.warning}" if self.warning else ""
        return f"{self.method}: {self.formula}{note}"


def _t_or_z(df: float, level: float = 0.95) -> tuple[float, str]:
    q = 1 - (1 - level) / 2
    from scipy import stats  # heavy (1 s to load): only when a small group's CI is converted

    return float(stats.t.ppf(q, df)), f"t({q:g}, df={df:g})"


def sd_from_se(se: float, n: float) -> Derivation:
    """SD = SE × √n (Cochrane Handbook 6.5.2.2)."""
    value = se * math.sqrt(n)
    return Derivation(
        value,
        "SD from SE (Cochrane Handbook 6.5.2.2)",
        f"SD = SE × √n = {se:g} × √{n:g} = {value:.4g}",
        {"se": se, "n": n},
    )


def sd_from_ci(
    low: float, high: float, n: float, level: float = 0.95, *, small_group_t: bool = True
) -> Derivation:
    """SD = √n × (high − low) / (2 × t) for a CI of a group mean (Handbook 6.5.2.2).

    t is the t quantile with n − 1 degrees of freedom for groups under 60, as the
    Handbook advises; the normal quantile (3.92 = 2 × 1.96 for 95%) for larger ones, and
    for every group with `small_group_t=False` (as many reviewers compute it).
    """
    if n < SMALL_GROUP and small_group_t:
        quantile, name = _t_or_z(n - 1, level)
    else:
        quantile = _NORMAL.inv_cdf(1 - (1 - level) / 2)
        name = "z"
    value = math.sqrt(n) * (high - low) / (2 * quantile)
    return Derivation(
        value,
        "SD from a 95% CI of a group mean (Cochrane Handbook 6.5.2.2)",
        f"SD = √n × (high − low) / (2 × {name}) = √{n:g} × ({high:g} − {low:g}) / "
        f"{2 * quantile:.4f} = {value:.4g}",
        {"ci_low": low, "ci_high": high, "n": n},
    )


def sd_from_md_se(se: float, n1: float, n2: float) -> Derivation:
    """Common within-group SD = SE(MD) / √(1/n1 + 1/n2) (Handbook 6.5.2.3)."""
    value = se / math.sqrt(1 / n1 + 1 / n2)
    return Derivation(
        value,
        "SD from the SE of a mean difference (Cochrane Handbook 6.5.2.3)",
        f"SD = SE / √(1/n1 + 1/n2) = {se:g} / √(1/{n1:g} + 1/{n2:g}) = {value:.4g}",
        {"md_se": se, "n1": n1, "n2": n2},
    )


def sd_from_md_ci(low: float, high: float, n1: float, n2: float, level: float = 0.95) -> Derivation:
    """Common within-group SD from the CI of a difference in means (Handbook 6.5.2.3).

    SE = (high − low) / (2 × t) with t on n1 + n2 − 2 degrees of freedom (small trials;
    the normal quantile when both groups have 60 or more), then SD = SE / √(1/n1 + 1/n2).
    Both arms get this SD: the Handbook's equal-SD assumption, said in the method.
    """
    if min(n1, n2) < SMALL_GROUP:
        quantile, name = _t_or_z(n1 + n2 - 2, level)
    else:
        quantile, name = _NORMAL.inv_cdf(1 - (1 - level) / 2), "z"
    se = (high - low) / (2 * quantile)
    value = se / math.sqrt(1 / n1 + 1 / n2)
    return Derivation(
        value,
        "SD from the 95% CI of a mean difference, equal SDs (Cochrane Handbook 6.5.2.3)",
        f"SE = ({high:g} − {low:g}) / (2 × {name}) = {se:.4g}; SD = SE / √(1/{n1:g} + "
        f"1/{n2:g}) = {value:.4g}",
        {"md_ci_low": low, "md_ci_high": high, "n1": n1, "n2": n2},
    )


def decimals(text: str | float) -> int:
    """Decimal places a number was printed with ("33.3" -> 1, "12" -> 0, "33.3%" -> 1,
    "33·3" -> 1: a share's sign and a raised decimal point are no places)."""
    s = str(text).replace("·", ".").rstrip("% ")
    return len(s.split(".", 1)[1]) if "." in s else 0


def events_from_percent(percent: float, n: int, places: int | None = None) -> Derivation:
    """Events = round(percent × n / 100), with every count the printed rounding allows.

    A percentage printed with `places` decimals (read from the number when not given)
    stands for any count whose percentage rounds to it; when several do (small
    precision, large n), the nearest is used and the derivation carries a warning.
    """
    places = decimals(percent) if places is None else places
    half = 0.5 * 10**-places
    fits = [e for e in range(int(n) + 1) if abs(100 * e / n - percent) <= half + 1e-9]
    value = round(percent * n / 100)
    warning = ""
    if len(fits) > 1:
        warning = f"the rounding allows {len(fits)} counts ({fits[0]}–{fits[-1]})"
    elif not fits:
        warning = f"no count out of {n:g} rounds to {percent:g}%"
    return Derivation(
        float(value),
        "events from a percentage of N",
        f"events = round({percent:g}% × {n:g}) = {value}",
        {"percent": percent, "n": float(n)},
        warning=warning,
    )


def wan_eta(n: float) -> float:
    """Wan et al. 2014 eq. 16 divisor of the IQR: 2 Φ⁻¹((0.75n − 0.125) / (n + 0.25))."""
    return 2 * _NORMAL.inv_cdf((0.75 * n - 0.125) / (n + 0.25))


# Wan et al. 2014, Table 1: ξ(n), the expected range of n standard normal values, which the
# paper tabulates for n ≤ 50 (its formula (7) approximates it within ~1.5 % there).
_WAN_XI_TABLE = (
    0.0, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078,
    3.173, 3.259, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735,
    3.778, 3.819, 3.858, 3.895, 3.931, 3.964, 3.997, 4.027, 4.057, 4.086,
    4.113, 4.139, 4.165, 4.189, 4.213, 4.236, 4.259, 4.280, 4.301, 4.322,
    4.341, 4.361, 4.379, 4.398, 4.415, 4.433, 4.450, 4.466, 4.482, 4.498,
)  # fmt: skip


def wan_xi(n: float) -> float:
    """Wan et al. 2014 divisor of the range: Table 1 for whole n ≤ 50, else their
    formula (7), 2 Φ⁻¹((n − 0.375) / (n + 0.25))."""
    if float(n).is_integer() and 1 <= n <= len(_WAN_XI_TABLE):
        return _WAN_XI_TABLE[int(n) - 1]
    return 2 * _NORMAL.inv_cdf((n - 0.375) / (n + 0.25))


def mean_from_median_iqr(median: float, q1: float, q3: float, n: float) -> Derivation:
    """Luo et al. 2018 eq. 11: w (q1 + q3)/2 + (1 − w) median, w = 0.7 + 0.39/n."""
    w = 0.7 + 0.39 / n
    value = w * (q1 + q3) / 2 + (1 - w) * median
    return Derivation(
        value,
        "mean from median and IQR (Luo et al. 2018)",
        f"mean = w (q1 + q3)/2 + (1 − w) median, w = 0.7 + 0.39/{n:g} = {w:.4f}: {value:.4g}",
        {"median": median, "q1": q1, "q3": q3, "n": n},
    )


def sd_from_iqr(q1: float, q3: float, n: float) -> Derivation:
    """Wan et al. 2014 eq. 16: SD = (q3 − q1) / η(n)."""
    eta = wan_eta(n)
    value = (q3 - q1) / eta
    return Derivation(
        value,
        "SD from IQR (Wan et al. 2014)",
        f"SD = (q3 − q1) / η(n) = ({q3:g} − {q1:g}) / {eta:.4f} = {value:.4g}",
        {"q1": q1, "q3": q3, "n": n},
    )


def mean_from_median_range(median: float, low: float, high: float, n: float) -> Derivation:
    """Luo et al. 2018 eq. 7: w (min + max)/2 + (1 − w) median, w = 4 / (4 + n^0.75)."""
    w = 4 / (4 + n**0.75)
    value = w * (low + high) / 2 + (1 - w) * median
    return Derivation(
        value,
        "mean from median and range (Luo et al. 2018)",
        f"mean = w (min + max)/2 + (1 − w) median, w = 4/(4 + {n:g}^0.75) = {w:.4f}: {value:.4g}",
        {"median": median, "min": low, "max": high, "n": n},
    )


def sd_from_range(low: float, high: float, n: float) -> Derivation:
    """Wan et al. 2014 eq. 7: SD = (max − min) / ξ(n)."""
    xi = wan_xi(n)
    value = (high - low) / xi
    return Derivation(
        value,
        "SD from range (Wan et al. 2014)",
        f"SD = (max − min) / ξ(n) = ({high:g} − {low:g}) / {xi:.4f} = {value:.4g}",
        {"min": low, "max": high, "n": n},
    )


def combine_means(
    n1: float, m1: float, sd1: float, n2: float, m2: float, sd2: float
) -> tuple[float, float, float]:
    """(N, mean, SD) of two groups taken as one (Cochrane Handbook Table 6.5.a, 23.3.4)."""
    n = n1 + n2
    mean = (n1 * m1 + n2 * m2) / n
    var = ((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2 + n1 * n2 / n * (m1 - m2) ** 2) / (n - 1)
    return n, mean, math.sqrt(var)
