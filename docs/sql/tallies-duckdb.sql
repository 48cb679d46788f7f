-- Tallies for cxsite from a table of raw survey responses, in DuckDB (docs/tallies.md).
--
-- Expects a table `responses(date DATE, metric VARCHAR, score INTEGER, respondent VARCHAR,
-- segment VARCHAR, touchpoint VARCHAR, journey VARCHAR, weight DOUBLE)`, with weight 1 where
-- responses are not weighted, and writes content/tallies/responses.csv: one row per period ×
-- metric × group (everyone, each segment, each touchpoint, each journey, and the relationship
-- and transactional levels), by quarter. For months, make the period strftime(date, '%Y-%m').
COPY (
    WITH dated AS (
        SELECT strftime(date, '%Y') || '-Q' || quarter(date) AS period,
               lower(trim(metric)) AS metric, score, NULLIF(trim(respondent), '') AS respondent,
               NULLIF(trim(segment), '') AS segment, NULLIF(trim(touchpoint), '') AS touchpoint,
               NULLIF(trim(journey), '') AS journey, weight
        FROM responses
    ),
    -- A response's level: transactional when it names a touchpoint, the journey's when it
    -- names only a journey, the relationship's when it names neither.
    grouped AS (
        SELECT period, metric, NULL AS segment, NULL AS touchpoint, NULL AS journey, NULL AS level, score, weight FROM dated
        UNION ALL
        SELECT period, metric, segment, NULL, NULL, NULL, score, weight FROM dated WHERE segment IS NOT NULL
        UNION ALL
        SELECT period, metric, NULL, touchpoint, NULL, NULL, score, weight FROM dated WHERE touchpoint IS NOT NULL
        UNION ALL
        SELECT period, metric, NULL, NULL, journey, NULL, score, weight FROM dated WHERE touchpoint IS NULL AND journey IS NOT NULL
        UNION ALL
        SELECT period, metric, NULL, NULL, NULL, 'relationship', score, weight FROM dated WHERE touchpoint IS NULL AND journey IS NULL
        UNION ALL
        SELECT period, metric, NULL, NULL, NULL, 'transactional', score, weight FROM dated WHERE touchpoint IS NOT NULL
    ),
    tallies AS (
        SELECT period, metric, segment, touchpoint, journey, level,
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
        GROUP BY period, metric, segment, touchpoint, journey, level
    ),
    -- The key drivers: each respondent's NPS in a period (their relationship NPS when they
    -- gave one, else the mean of all their NPS answers), paired with their mean CSAT or CES at
    -- each touchpoint.
    nps AS (
        SELECT period, respondent, coalesce(avg(score) FILTER (WHERE touchpoint IS NULL AND journey IS NULL), avg(score)) AS y
        FROM dated WHERE metric = 'nps' AND respondent IS NOT NULL
        GROUP BY period, respondent
    ),
    answers AS (
        SELECT period, respondent, metric, touchpoint, avg(score) AS x
        FROM dated WHERE metric IN ('csat', 'ces') AND touchpoint IS NOT NULL AND respondent IS NOT NULL
        GROUP BY period, respondent, metric, touchpoint
    ),
    linked AS (
        SELECT period, metric, touchpoint, count(*) AS linked,
               sum(x) AS linked_x, sum(y) AS linked_y, sum(x * x) AS linked_xx, sum(y * y) AS linked_yy, sum(x * y) AS linked_xy
        FROM answers JOIN nps USING (period, respondent)
        GROUP BY period, metric, touchpoint
    )
    SELECT tallies.*, linked.linked, linked.linked_x, linked.linked_y, linked.linked_xx, linked.linked_yy, linked.linked_xy
    FROM tallies
    LEFT JOIN linked ON tallies.segment IS NULL AND tallies.period = linked.period
                    AND tallies.metric = linked.metric AND tallies.touchpoint = linked.touchpoint
    ORDER BY tallies.period, tallies.metric, tallies.segment NULLS FIRST, tallies.touchpoint NULLS FIRST,
             tallies.journey NULLS FIRST, tallies.level NULLS FIRST
) TO 'content/tallies/responses.csv' (HEADER);
