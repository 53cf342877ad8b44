"""From study records to a review's results: effect sizes, pooling, plots and checks.

Each module has one job: `studies` reads records (a review, records.jsonl or gold),
`roles` finds which fields make an effect size, `effects` computes them, `grouping`
sorts targets into meta-analyses, `pooling` combines them, `sensitivity` re-pools,
`compare` puts gold beside extracted, `descriptive` counts any form's fields,
`plots`, `exports` and `page` write the results, and `run` ties them together.
"""
