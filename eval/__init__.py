"""The audit: compare extracted records with human gold and measure agreement.

Modules, one job each: `gold` (load gold/predictions), `normalize` (typed values),
`compare` (classify each cell), `align` (pair list-of-object items), `agreement`
(kappa, AC1, alpha, bootstrap), `audit` (orchestrate -> `AuditResult`), `report`
(metrics.json, disagreements.csv, report.html), `yun2024` (Yun et al. data adapter).
"""
