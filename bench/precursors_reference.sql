-- The four precursor indicators of 方案一（五）, written by hand: the benchmark's reference
-- (bench/precursors.py compares jindu.precursors.selectors.precursor_kpis with it, number by
-- number and in time). Not used by the application. PostgreSQL only.
--
-- Parameters: %(d0)s, %(d1)s (the period), %(periods)s (its months as 'YYYY-MM'),
-- %(prefix)s (the unit's path followed by '%%'), %(whole)s (true when the unit is a root: no
-- unit test at all), and the county rule book's licence requirements as two parallel arrays
-- %(req_activity)s / %(req_kind)s (an activity needs any one of its kinds). The reader is the
-- office administrator (sees everything), so no jurisdiction narrows the rows.
--
-- Enterprises: active and registered by the period's end, in the unit. Inspected: one
-- inspection dated in the period. Ledgers: the stored monthly reconciliations of the unit's
-- enterprises for the period's months (reconciled = the count agreed). Licences: of the
-- enterprises with an activity that needs papers, those holding, valid on the period's end
-- and not revoked by it, a paper of one of the kinds for every such activity. Flags: raised
-- in the period for the unit's enterprises; in time = closed on or before its due date.
WITH
unit_enterprise AS (
    SELECT e.id, e.activities, e.is_active, e.registered_on
    FROM precursors_enterprise e
    WHERE %(whole)s
    UNION ALL
    SELECT e.id, e.activities, e.is_active, e.registered_on
    FROM orgs_orgunit u
    JOIN precursors_enterprise e ON e.org_unit_id = u.id
    WHERE NOT %(whole)s AND u.path LIKE %(prefix)s
),
registered AS (
    SELECT id, activities FROM unit_enterprise
    WHERE is_active AND registered_on <= %(d1)s
),
inspected AS (
    SELECT COUNT(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM precursors_chemicalinspection i
               WHERE i.enterprise_id = r.id AND i.date BETWEEN %(d0)s AND %(d1)s)) AS num,
           COUNT(*) AS den
    FROM registered r
),
ledgers AS (
    SELECT COUNT(*) FILTER (WHERE c.reconciled) AS num, COUNT(*) AS den
    FROM precursors_reconciliation c
    WHERE c.period = ANY(%(periods)s)
      AND (%(whole)s OR c.enterprise_id IN (SELECT id FROM unit_enterprise))
),
requirement AS (
    SELECT * FROM unnest(%(req_activity)s::text[], %(req_kind)s::text[]) AS q(activity, kind)
),
needs AS (
    -- each (enterprise, activity needing papers)
    SELECT DISTINCT r.id, q.activity
    FROM registered r
    JOIN requirement q ON r.activities::jsonb ? q.activity
),
met AS (
    SELECT DISTINCT n.id, n.activity
    FROM needs n
    JOIN requirement q ON q.activity = n.activity
    JOIN precursors_chemicallicence l
      ON l.enterprise_id = n.id AND l.kind = q.kind
     AND l.valid_from <= %(d1)s AND l.valid_to >= %(d1)s
     AND (l.revoked_on IS NULL OR l.revoked_on > %(d1)s)
),
papers AS (
    SELECT COUNT(*) FILTER (WHERE missing = 0) AS num, COUNT(*) AS den
    FROM (
        SELECT n.id, COUNT(*) FILTER (WHERE m.id IS NULL) AS missing
        FROM needs n
        LEFT JOIN met m ON m.id = n.id AND m.activity = n.activity
        GROUP BY n.id
    ) per_enterprise
),
raised AS (
    SELECT COUNT(*) FILTER (WHERE f.status = 'closed' AND f.closed_on <= f.due_date) AS num,
           COUNT(*) AS den
    FROM precursors_flag f
    WHERE f.raised_on BETWEEN %(d0)s AND %(d1)s
      AND (%(whole)s OR f.enterprise_id IN (SELECT id FROM unit_enterprise))
)
SELECT inspected.num AS enterprises_inspected__num,
       inspected.den AS enterprises_inspected__den,
       ledgers.num AS ledgers_reconciled__num,
       ledgers.den AS ledgers_reconciled__den,
       papers.num AS licences_valid__num,
       papers.den AS licences_valid__den,
       raised.num AS flags_closed_in_time__num,
       raised.den AS flags_closed_in_time__den
FROM inspected, ledgers, papers, raised
