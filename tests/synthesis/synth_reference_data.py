"""Published data sets and reference values, typed in with their sources.

- dat.bcg: Colditz et al. (1994), JAMA 271(9):698-702, 13 BCG vaccine trials, as in R
  package metadat (data-raw/dat.bcg.txt). tpos/tneg: vaccinated TB+/TB-; cpos/cneg: control.
- dat.normand1999: Normand (1999), Stat Med 18:321-359, Table VIII (length of stay after
  stroke), as in metadat (data-raw/dat.normand1999.txt).
- dat.hine1989: Hine et al. (1989), mortality after lidocaine, as in metadat.
"""

from __future__ import annotations

BCG = [
    # author, year, tpos, tneg, cpos, cneg
    ("Aronson", 1948, 4, 119, 11, 128),
    ("Ferguson & Simes", 1949, 6, 300, 29, 274),
    ("Rosenthal et al", 1960, 3, 228, 11, 209),
    ("Hart & Sutherland", 1977, 62, 13536, 248, 12619),
    ("Frimodt-Moller et al", 1973, 33, 5036, 47, 5761),
    ("Stein & Aronson", 1953, 180, 1361, 372, 1079),
    ("Vandiviere et al", 1973, 8, 2537, 10, 619),
    ("TPT Madras", 1980, 505, 87886, 499, 87892),
    ("Coetzee & Berjak", 1968, 29, 7470, 45, 7232),
    ("Rosenthal et al", 1961, 17, 1699, 65, 1600),
    ("Comstock et al", 1974, 186, 50448, 141, 27197),
    ("Comstock & Webster", 1969, 5, 2493, 3, 2338),
    ("Comstock et al", 1976, 27, 16886, 29, 17825),
]

NORMAND = [
    # source, n1i, m1i, sd1i, n2i, m2i, sd2i
    ("Edinburgh", 155, 55, 47, 156, 75, 64),
    ("Orpington-Mild", 31, 27, 7, 32, 29, 4),
    ("Orpington-Moderate", 75, 64, 17, 71, 119, 29),
    ("Orpington-Severe", 18, 66, 20, 18, 137, 48),
    ("Montreal-Home", 8, 14, 8, 13, 18, 11),
    ("Montreal-Transfer", 57, 19, 7, 52, 18, 4),
    ("Newcastle", 34, 52, 45, 33, 41, 34),
    ("Umea", 110, 21, 16, 183, 31, 27),
    ("Uppsala", 60, 30, 27, 52, 23, 20),
]

HINE = [
    # source, n1i, n2i, ai, ci
    ("Chopra et al.", 39, 43, 2, 1),
    ("Mogensen", 44, 44, 4, 4),
    ("Pitt et al.", 107, 110, 6, 4),
    ("Darby et al.", 103, 100, 7, 5),
    ("Bennett et al.", 110, 106, 7, 3),
    ("O'Brien et al.", 154, 146, 11, 4),
]
