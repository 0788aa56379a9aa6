-- The five control targets of 方案一（三）, written by hand: the benchmark's reference
-- (bench/control.py compares jindu.control.selectors.control_kpis with it, number by number
-- and in time). Not used by the application. PostgreSQL only.
--
-- Parameters: %(date_from)s, %(as_of)s (the period's end, or today while it runs) and
-- %(prefix)s (the unit's path followed by '%%'); %(whole)s is true when the unit is a root (the
-- whole tree: every row is read once, in order) and false below it (each person's rows are
-- read for the unit's people only). The reader is the office administrator (sees everyone),
-- so no jurisdiction narrows the people.
--
-- As of %(as_of)s: where each person lived (the first move after it names the unit left, else
-- the person's unit today), their latest status, risk assessment and compulsory isolation
-- order dated on or before it, the assignments covering it, sick/disabled flags and
-- admissions made by it; orders decided in the period, reports and executions made by it; a
-- community order not reported by it whose 15 days (戒毒条例第十四条、第三十八条) run on past
-- it is pending: outside the denominator.
WITH
later_move AS (
    SELECT DISTINCT ON (person_id) person_id, from_unit_id
    FROM control_residencechange
    WHERE date > %(as_of)s
    ORDER BY person_id, date, id
),
people AS (
    -- not moved since: where the row says (from the subtree's units, by the residence index)
    SELECT p.id, p.left_control_on
    FROM orgs_orgunit u
    JOIN control_person p ON p.residence_unit_id = u.id
    WHERE u.path LIKE %(prefix)s
      AND p.id NOT IN (SELECT person_id FROM later_move)
    UNION ALL
    -- moved since: where the first later move left from
    SELECT p.id, p.left_control_on
    FROM later_move lm
    JOIN orgs_orgunit u ON u.id = lm.from_unit_id
    JOIN control_person p ON p.id = lm.person_id
    WHERE u.path LIKE %(prefix)s
),
last_status AS (
    SELECT DISTINCT ON (sc.person_id) sc.person_id, sc.status
    FROM control_statuschange sc
    WHERE sc.date <= %(as_of)s AND (%(whole)s OR sc.person_id IN (SELECT id FROM people))
    ORDER BY sc.person_id, sc.date DESC, sc.id DESC
),
last_risk AS (
    SELECT DISTINCT ON (ra.person_id) ra.person_id, ra.level
    FROM control_riskassessment ra
    WHERE ra.date <= %(as_of)s AND (%(whole)s OR ra.person_id IN (SELECT id FROM people))
    ORDER BY ra.person_id, ra.date DESC, ra.id DESC
),
last_isolation AS (
    SELECT DISTINCT ON (o.person_id) o.person_id, o.executed_date
    FROM control_controlorder o
    WHERE o.kind = 'compulsory_isolation' AND o.continues_id IS NULL
      AND o.decision_date <= %(as_of)s AND (%(whole)s OR o.person_id IN (SELECT id FROM people))
    ORDER BY o.person_id, o.decision_date DESC, o.id DESC
),
covered AS (
    SELECT DISTINCT a.person_id
    FROM control_controlassignment a
    WHERE a.start_date <= %(as_of)s AND (a.end_date IS NULL OR a.end_date >= %(as_of)s)
      AND (%(whole)s OR a.person_id IN (SELECT id FROM people))
),
flagged AS (
    SELECT sd.person_id, bool_or(sd.admitted_date <= %(as_of)s) AS admitted
    FROM control_sickdisabled sd
    WHERE sd.identified_date <= %(as_of)s AND (%(whole)s OR sd.person_id IN (SELECT id FROM people))
    GROUP BY sd.person_id
),
in_society AS (
    SELECT pe.id,
           (pe.left_control_on IS NULL OR pe.left_control_on > %(as_of)s) AS under_control,
           lr.level IN ('medium', 'high') AS risky,
           li.person_id IS NOT NULL
               AND (li.executed_date IS NULL OR li.executed_date > %(as_of)s) AS not_executed,
           cv.person_id IS NOT NULL AS controlled,
           fl.person_id IS NOT NULL AS sick,
           coalesce(fl.admitted, false) AS admitted
    FROM people pe
    JOIN last_status ls ON ls.person_id = pe.id AND ls.status = 'in_society'
    LEFT JOIN last_risk lr ON lr.person_id = pe.id
    LEFT JOIN last_isolation li ON li.person_id = pe.id
    LEFT JOIN covered cv ON cv.person_id = pe.id
    LEFT JOIN flagged fl ON fl.person_id = pe.id
),
decided AS (
    SELECT o.kind, o.report_due, o.executed_date,
           CASE WHEN o.reported_date <= %(as_of)s THEN o.reported_date END AS reported
    FROM control_controlorder o
    JOIN people pe ON pe.id = o.person_id
    WHERE o.decision_date BETWEEN %(date_from)s AND %(as_of)s AND o.continues_id IS NULL
),
person_counts AS (
    SELECT
        count(*) FILTER (WHERE under_control AND risky) AS risk_den,
        count(*) FILTER (WHERE under_control AND risky AND controlled) AS risk_num,
        count(*) FILTER (WHERE sick) AS sick_den,
        count(*) FILTER (WHERE sick AND admitted) AS sick_num,
        count(*) FILTER (WHERE under_control AND not_executed) AS ne_den,
        count(*) FILTER (WHERE under_control AND not_executed AND controlled) AS ne_num
    FROM in_society
),
order_counts AS (
    SELECT
        count(*) FILTER (WHERE kind IN ('community_detox', 'community_rehab')
                         AND NOT (reported IS NULL AND report_due >= %(as_of)s)) AS comm_den,
        count(*) FILTER (WHERE kind IN ('community_detox', 'community_rehab')
                         AND reported <= report_due) AS comm_num,
        count(*) FILTER (WHERE kind IN ('community_detox', 'community_rehab')
                         AND reported IS NULL AND report_due >= %(as_of)s) AS comm_pending,
        count(*) FILTER (WHERE kind = 'compulsory_isolation') AS iso_den,
        count(*) FILTER (WHERE kind = 'compulsory_isolation'
                         AND executed_date <= %(as_of)s) AS iso_num
    FROM decided
)
SELECT
    risk_num AS medium_high_risk_control_rate__num,
    risk_den AS medium_high_risk_control_rate__den,
    comm_num AS community_execution_rate__num,
    comm_den AS community_execution_rate__den,
    comm_pending AS community_execution_rate__pending,
    iso_num AS compulsory_isolation_execution_rate__num,
    iso_den AS compulsory_isolation_execution_rate__den,
    sick_num AS sick_disabled_admission_rate__num,
    sick_den AS sick_disabled_admission_rate__den,
    ne_num AS not_executed_control_rate__num,
    ne_den AS not_executed_control_rate__den
FROM person_counts, order_counts
