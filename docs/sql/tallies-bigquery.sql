-- Tallies for cxsite from a table of raw survey responses, in BigQuery (docs/tallies.md).
--
-- Expects a table `project.dataset.responses(date DATE, metric STRING, score INT64,
-- respondent STRING, segment STRING, touchpoint STRING, journey STRING, weight FLOAT64)`, with
-- weight 1 where responses are not weighted. Export the result as CSV with a header into
-- content/tallies/. One row per period × metric × group (everyone, each segment, each
-- touchpoint, each journey, and the relationship and transactional levels), by quarter; for
-- months, make the period FORMAT_DATE('%Y-%m', date).
WITH dated AS (
  SELECT FORMAT_DATE('%Y-Q%Q', date) AS period,
         LOWER(TRIM(metric)) AS metric, score, NULLIF(TRIM(respondent), '') AS respondent,
         NULLIF(TRIM(segment), '') AS segment, NULLIF(TRIM(touchpoint), '') AS touchpoint,
         NULLIF(TRIM(journey), '') AS journey, weight
  FROM `project.dataset.responses`
),
-- A response's level: transactional when it names a touchpoint, the journey's when it names
-- only a journey, the relationship's when it names neither.
grouped AS (
  SELECT period, metric, CAST(NULL AS STRING) AS segment, CAST(NULL AS STRING) AS touchpoint,
         CAST(NULL AS STRING) AS journey, CAST(NULL AS STRING) AS level, score, weight FROM dated
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
         COUNT(*) AS n,
         IF(metric = 'nps', SUM(IF(score >= 9, weight, 0)), NULL) AS promoters,
         IF(metric = 'nps', SUM(IF(score BETWEEN 7 AND 8, weight, 0)), NULL) AS passives,
         IF(metric = 'nps', SUM(IF(score <= 6, weight, 0)), NULL) AS detractors,
         IF(metric = 'csat', SUM(IF(score >= 4, weight, 0)), NULL) AS top,
         IF(metric = 'ces', SUM(weight * score), NULL) AS sum,
         IF(metric = 'ces', SUM(weight * score * score), NULL) AS sum_sq,
         SUM(weight) AS sum_w,
         SUM(weight * weight) AS sum_w2
  FROM grouped
  GROUP BY period, metric, segment, touchpoint, journey, level
),
-- The key drivers: each respondent's NPS in a period (their relationship NPS when they gave
-- one, else the mean of all their NPS answers), paired with their mean CSAT or CES at each
-- touchpoint.
nps AS (
  SELECT period, respondent, COALESCE(AVG(IF(touchpoint IS NULL AND journey IS NULL, score, NULL)), AVG(score)) AS y
  FROM dated WHERE metric = 'nps' AND respondent IS NOT NULL
  GROUP BY period, respondent
),
answers AS (
  SELECT period, respondent, metric, touchpoint, AVG(score) AS x
  FROM dated WHERE metric IN ('csat', 'ces') AND touchpoint IS NOT NULL AND respondent IS NOT NULL
  GROUP BY period, respondent, metric, touchpoint
),
linked AS (
  SELECT period, metric, touchpoint, COUNT(*) AS linked,
         SUM(x) AS linked_x, SUM(y) AS linked_y, SUM(x * x) AS linked_xx, SUM(y * y) AS linked_yy, SUM(x * y) AS linked_xy
  FROM answers JOIN nps USING (period, respondent)
  GROUP BY period, metric, touchpoint
)
SELECT t.*, l.linked, l.linked_x, l.linked_y, l.linked_xx, l.linked_yy, l.linked_xy
FROM tallies AS t
LEFT JOIN linked AS l ON t.segment IS NULL AND t.period = l.period AND t.metric = l.metric AND t.touchpoint = l.touchpoint
ORDER BY t.period, t.metric, t.segment, t.touchpoint, t.journey, t.level;
