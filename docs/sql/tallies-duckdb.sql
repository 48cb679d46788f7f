-- Tallies for cxsite from a table of raw survey responses, in DuckDB (docs/tallies.md).
--
-- Expects a table `responses(date DATE, metric VARCHAR, score INTEGER, segment VARCHAR,
-- touchpoint VARCHAR, weight DOUBLE)`, with weight 1 where responses are not weighted, and
-- writes content/tallies/responses.csv: one row per period × metric × group (everyone, each
-- segment, each touchpoint), by quarter. For months, make the period strftime(date, '%Y-%m').
COPY (
    WITH dated AS (
        SELECT strftime(date, '%Y') || '-Q' || quarter(date) AS period,
               lower(trim(metric)) AS metric, score,
               NULLIF(trim(segment), '') AS segment, NULLIF(trim(touchpoint), '') AS touchpoint, weight
        FROM responses
    ),
    grouped AS (
        SELECT period, metric, NULL AS segment, NULL AS touchpoint, score, weight FROM dated
        UNION ALL
        SELECT period, metric, segment, NULL, score, weight FROM dated WHERE segment IS NOT NULL
        UNION ALL
        SELECT period, metric, NULL, touchpoint, score, weight FROM dated WHERE touchpoint IS NOT NULL
    )
    SELECT period, metric, segment, touchpoint,
           count(*) AS n,
           CASE WHEN metric = 'nps' THEN coalesce(sum(weight) FILTER (WHERE score >= 9), 0) END AS promoters,
           CASE WHEN metric = 'nps' THEN coalesce(sum(weight) FILTER (WHERE score BETWEEN 7 AND 8), 0) END AS passives,
           CASE WHEN metric = 'nps' THEN coalesce(sum(weight) FILTER (WHERE score <= 6), 0) END AS detractors,
           CASE WHEN metric = 'csat' THEN coalesce(sum(weight) FILTER (WHERE score >= 4), 0) END AS top,
           CASE WHEN metric = 'ces' THEN sum(weight * score) END AS sum,
           CASE WHEN metric = 'ces' THEN sum(weight * score * score) END AS sum_sq,
           sum(weight) AS sum_w,
           sum(weight * weight) AS sum_w2
    FROM grouped
    GROUP BY period, metric, segment, touchpoint
    ORDER BY period, metric, segment NULLS FIRST, touchpoint NULLS FIRST
) TO 'content/tallies/responses.csv' (HEADER);
