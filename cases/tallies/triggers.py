"""The functions and row triggers migration 0011 made, the rebuild from the rows, and what
drops them all (0011's undo)."""

FUNCTIONS = r"""
CREATE TYPE vc_tally_row AS (
    centre_id bigint, facet text, figure text, fiscal_year smallint, n bigint, amount numeric
);

-- The Thai fiscal year (BE) of a day: 1 October 2018 -> 2562 (volunteer_centre.thai).
CREATE FUNCTION vc_fy(d date) RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
    SELECT (extract(year FROM d)::int + (extract(month FROM d) >= 10)::int + 543)::smallint
$$;

CREATE FUNCTION vc_tallies_on() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('vc.tallies', true), '') <> 'off'
$$;

CREATE FUNCTION vc_tally_apply(rows vc_tally_row[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cases_dashboardtally AS t (centre_id, facet, figure, fiscal_year, n, amount)
    SELECT centre_id, facet, figure, fiscal_year, sum(n), sum(amount)
    FROM unnest(rows)
    GROUP BY 1, 2, 3, 4
    HAVING sum(n) <> 0 OR sum(amount) <> 0
    ORDER BY 2, 4, 3, 1
    ON CONFLICT (facet, fiscal_year, figure, centre_id)
    DO UPDATE SET n = t.n + excluded.n, amount = t.amount + excluded.amount
$$;

-- A case counts under "" and under each of its problems.
CREATE FUNCTION vc_case_facets(problems varchar[]) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT array(SELECT DISTINCT f FROM unnest(ARRAY['']::text[] || problems::text[]) f)
$$;

-- What one case row contributes, times sign.
CREATE FUNCTION vc_case_rows(c cases_case, sign int) RETURNS vc_tally_row[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(ROW(c.centre_id, f, x.figure, x.fy, sign, 0)::vc_tally_row), '{}')
    FROM unnest(vc_case_facets(c.problems)) f,
    LATERAL (
        SELECT 'status_' || c.status, 0 WHERE c.status <> 'closed'
        UNION ALL SELECT 'urgency_' || c.urgency, 0 WHERE c.status <> 'closed'
        UNION ALL SELECT 'no_due', 0
            WHERE c.status <> 'closed' AND c.visited AND c.follow_up_on IS NULL
        UNION ALL SELECT 'opened', vc_fy(c.opened_on)
        UNION ALL SELECT 'closed', vc_fy(c.closed_on) WHERE c.closed_on IS NOT NULL
    ) x(figure, fy)
$$;

-- What the visits, assistance and referrals of a case contribute at (centre, facets).
CREATE FUNCTION vc_children_rows(case_id bigint, centre_id bigint, facets text[], sign int)
RETURNS vc_tally_row[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(ROW(centre_id, f, x.figure, x.fy, sign * x.n,
                                  sign * x.amount)::vc_tally_row), '{}')
    FROM unnest(facets) f,
    (
        SELECT 'visits', vc_fy(visited_on), count(*), 0::numeric
        FROM cases_visit v WHERE v.case_id = vc_children_rows.case_id GROUP BY 2
        UNION ALL
        SELECT 'assistance', vc_fy(given_on), count(*), sum(amount)
        FROM cases_assistance a WHERE a.case_id = vc_children_rows.case_id GROUP BY 2
        UNION ALL
        SELECT k.figure, vc_fy(referred_on), count(*), 0::numeric
        FROM cases_referral r, LATERAL (VALUES ('referrals'), ('referral_' || r.status)) k(figure)
        WHERE r.case_id = vc_children_rows.case_id GROUP BY 1, 2
    ) x(figure, fy, n, amount)
$$;

CREATE FUNCTION vc_case_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[] := '{}';
BEGIN
    IF NOT vc_tallies_on() THEN RETURN NULL; END IF;
    IF TG_OP = 'UPDATE' AND (OLD.centre_id, OLD.problems, OLD.status, OLD.urgency, OLD.opened_on,
            OLD.closed_on, OLD.visited, OLD.follow_up_on)
            IS NOT DISTINCT FROM (NEW.centre_id, NEW.problems, NEW.status, NEW.urgency,
            NEW.opened_on, NEW.closed_on, NEW.visited, NEW.follow_up_on) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN delta := delta || vc_case_rows(OLD, -1); END IF;
    IF TG_OP <> 'DELETE' THEN delta := delta || vc_case_rows(NEW, 1); END IF;
    -- A transfer or a change of problems moves the case's visits, assistance and referrals.
    IF TG_OP = 'UPDATE' AND (OLD.centre_id, vc_case_facets(OLD.problems))
            IS DISTINCT FROM (NEW.centre_id, vc_case_facets(NEW.problems)) THEN
        delta := delta
            || vc_children_rows(OLD.id, OLD.centre_id, vc_case_facets(OLD.problems), -1)
            || vc_children_rows(NEW.id, NEW.centre_id, vc_case_facets(NEW.problems), 1);
    END IF;
    PERFORM vc_tally_apply(delta);
    RETURN NULL;
END $$;

-- One child row (visit, assistance, referral) of a case: its figures under the case's facets.
CREATE FUNCTION vc_child_rows(case_id bigint, figures text[], d date, amount numeric, sign int)
RETURNS vc_tally_row[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(ROW(c.centre_id, f, k, vc_fy(d), sign, sign * amount)
                              ::vc_tally_row), '{}')
    FROM cases_case c, unnest(vc_case_facets(c.problems)) f, unnest(figures) k
    WHERE c.id = vc_child_rows.case_id
$$;

-- The latest visit's follow-up date on the case (the index visit_case_latest answers).
CREATE FUNCTION vc_case_follow_up_refresh(case_id bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE cases_case c SET follow_up_on = l.follow_up_on, visited = l.visited
    FROM (
        SELECT (SELECT v.next_follow_up_on FROM cases_visit v
                WHERE v.case_id = vc_case_follow_up_refresh.case_id
                ORDER BY v.visited_on DESC, v.id DESC LIMIT 1) AS follow_up_on,
               EXISTS (SELECT 1 FROM cases_visit v
                       WHERE v.case_id = vc_case_follow_up_refresh.case_id) AS visited
    ) l
    WHERE c.id = vc_case_follow_up_refresh.case_id
      AND (c.follow_up_on, c.visited) IS DISTINCT FROM (l.follow_up_on, l.visited)
$$;

CREATE FUNCTION vc_visit_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[] := '{}';
BEGIN
    IF NOT vc_tallies_on() THEN RETURN NULL; END IF;
    IF TG_OP = 'UPDATE' AND (OLD.case_id, OLD.visited_on, OLD.next_follow_up_on)
            IS NOT DISTINCT FROM (NEW.case_id, NEW.visited_on, NEW.next_follow_up_on) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        delta := delta || vc_child_rows(OLD.case_id, '{visits}', OLD.visited_on, 0, -1);
        PERFORM vc_case_follow_up_refresh(OLD.case_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        delta := delta || vc_child_rows(NEW.case_id, '{visits}', NEW.visited_on, 0, 1);
        IF TG_OP = 'INSERT' OR NEW.case_id <> OLD.case_id THEN
            PERFORM vc_case_follow_up_refresh(NEW.case_id);
        END IF;
    END IF;
    PERFORM vc_tally_apply(delta);
    RETURN NULL;
END $$;

CREATE FUNCTION vc_assistance_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[] := '{}';
BEGIN
    IF NOT vc_tallies_on() THEN RETURN NULL; END IF;
    IF TG_OP <> 'INSERT' THEN
        delta := delta || vc_child_rows(OLD.case_id, '{assistance}', OLD.given_on, OLD.amount, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        delta := delta || vc_child_rows(NEW.case_id, '{assistance}', NEW.given_on, NEW.amount, 1);
    END IF;
    PERFORM vc_tally_apply(delta);
    RETURN NULL;
END $$;

CREATE FUNCTION vc_referral_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[] := '{}';
BEGIN
    IF NOT vc_tallies_on() THEN RETURN NULL; END IF;
    IF TG_OP <> 'INSERT' THEN
        delta := delta || vc_child_rows(OLD.case_id, ARRAY['referrals', 'referral_' || OLD.status],
                                        OLD.referred_on, 0, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        delta := delta || vc_child_rows(NEW.case_id, ARRAY['referrals', 'referral_' || NEW.status],
                                        NEW.referred_on, 0, 1);
    END IF;
    PERFORM vc_tally_apply(delta);
    RETURN NULL;
END $$;

-- A registration's dated figures (registered, ended) under "" and its programme.
CREATE FUNCTION vc_registration_rows(r volunteers_registration, sign int)
RETURNS vc_tally_row[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(ROW(r.centre_id, f, x.figure, x.fy, sign, 0)::vc_tally_row), '{}')
    FROM unnest(ARRAY['', r.programme::text]) f,
    LATERAL (
        SELECT 'registered', vc_fy(r.registered_on)
        UNION ALL SELECT 'ended', vc_fy(r.ended_on) WHERE r.ended_on IS NOT NULL
    ) x(figure, fy)
$$;

-- The person counted once per centre ("" facet) and once per centre and programme, from
-- their active registrations now against the placements stored before (under its lock).
CREATE FUNCTION vc_active_volunteer_refresh(volunteer bigint) RETURNS vc_tally_row[]
LANGUAGE plpgsql AS $$
DECLARE
    before text[];
    after text[];
BEGIN
    INSERT INTO cases_activevolunteer (volunteer_id, placements, centre_count)
    VALUES (volunteer, '{}', 0) ON CONFLICT DO NOTHING;
    SELECT placements INTO before FROM cases_activevolunteer
    WHERE volunteer_id = volunteer FOR UPDATE;
    after := array(
        SELECT DISTINCT r.centre_id || ':' || r.programme FROM volunteers_registration r
        WHERE r.volunteer_id = volunteer AND r.status = 'active' ORDER BY 1
    );
    -- Never deleted when empty: a writer waiting on this row's lock would find it gone.
    IF after IS DISTINCT FROM before THEN
        UPDATE cases_activevolunteer SET placements = after,
            centre_count = (SELECT count(DISTINCT split_part(p, ':', 1)) FROM unnest(after) p)
        WHERE volunteer_id = volunteer;
    END IF;
    IF after IS NOT DISTINCT FROM before THEN RETURN '{}'; END IF;
    RETURN (
        WITH side(sign, centre_id, programme) AS (
            SELECT -1, split_part(p, ':', 1)::bigint, split_part(p, ':', 2) FROM unnest(before) p
            UNION ALL
            SELECT 1, split_part(p, ':', 1)::bigint, split_part(p, ':', 2) FROM unnest(after) p
        ), persons(sign, centre_id, facet) AS (
            SELECT sign, centre_id, programme FROM side
            UNION ALL
            SELECT DISTINCT sign, centre_id, '' FROM side
        )
        SELECT coalesce(array_agg(ROW(centre_id, facet, 'active', 0, sign, 0)::vc_tally_row),
                        '{}')
        FROM persons
    );
END $$;

CREATE FUNCTION vc_registration_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[] := '{}';
BEGIN
    IF NOT vc_tallies_on() THEN RETURN NULL; END IF;
    IF TG_OP <> 'INSERT' THEN delta := delta || vc_registration_rows(OLD, -1); END IF;
    IF TG_OP <> 'DELETE' THEN delta := delta || vc_registration_rows(NEW, 1); END IF;
    IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.volunteer_id <> NEW.volunteer_id) THEN
        delta := delta || vc_active_volunteer_refresh(OLD.volunteer_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR (OLD.status, OLD.centre_id, OLD.programme)
            IS DISTINCT FROM (NEW.status, NEW.centre_id, NEW.programme)
            OR OLD.volunteer_id <> NEW.volunteer_id) THEN
        delta := delta || vc_active_volunteer_refresh(NEW.volunteer_id);
    END IF;
    PERFORM vc_tally_apply(delta);
    RETURN NULL;
END $$;

"""

# Everything again from the rows: the migration's backfill and the bench's bulk load.
REBUILD = r"""
CREATE FUNCTION vc_tallies_rebuild() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    was text := coalesce(current_setting('vc.tallies', true), '');
BEGIN
    -- The rebuild writes the columns itself: the triggers would only redo its work row by row.
    PERFORM set_config('vc.tallies', 'off', true);
    UPDATE cases_case c SET follow_up_on = l.next_follow_up_on, visited = true
    FROM (SELECT DISTINCT ON (case_id) case_id, next_follow_up_on FROM cases_visit
          ORDER BY case_id, visited_on DESC, id DESC) l
    WHERE l.case_id = c.id
      AND (c.follow_up_on, c.visited) IS DISTINCT FROM (l.next_follow_up_on, true);
    UPDATE cases_case c SET follow_up_on = NULL, visited = false
    WHERE (c.visited OR c.follow_up_on IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM cases_visit v WHERE v.case_id = c.id);
    TRUNCATE cases_dashboardtally, cases_activevolunteer;
    INSERT INTO cases_activevolunteer (volunteer_id, placements, centre_count)
    SELECT volunteer_id,
           array_agg(DISTINCT centre_id || ':' || programme),
           count(DISTINCT centre_id)
    FROM volunteers_registration WHERE status = 'active' GROUP BY volunteer_id;
    CREATE TEMP TABLE vc_case_facet ON COMMIT DROP AS
        SELECT c.id AS case_id, c.centre_id, f AS facet
        FROM cases_case c, unnest(vc_case_facets(c.problems)) f;
    INSERT INTO cases_dashboardtally (centre_id, facet, figure, fiscal_year, n, amount)
    SELECT centre_id, facet, figure, fiscal_year, sum(n), sum(amount) FROM (
        SELECT (unnest(vc_case_rows(c, 1))).* FROM cases_case c
        UNION ALL
        SELECT cf.centre_id, cf.facet, 'visits', vc_fy(v.visited_on), 1, 0
        FROM cases_visit v JOIN vc_case_facet cf USING (case_id)
        UNION ALL
        SELECT cf.centre_id, cf.facet, 'assistance', vc_fy(a.given_on), 1, a.amount
        FROM cases_assistance a JOIN vc_case_facet cf USING (case_id)
        UNION ALL
        SELECT cf.centre_id, cf.facet, k.figure, vc_fy(r.referred_on), 1, 0
        FROM cases_referral r JOIN vc_case_facet cf USING (case_id),
             LATERAL (VALUES ('referrals'), ('referral_' || r.status)) k(figure)
        UNION ALL
        SELECT (unnest(vc_registration_rows(r, 1))).* FROM volunteers_registration r
        UNION ALL
        SELECT p.centre_id, p.facet, 'active', 0, 1, 0
        FROM (SELECT DISTINCT r.volunteer_id, r.centre_id, f AS facet
              FROM volunteers_registration r, unnest(ARRAY['', r.programme::text]) f
              WHERE r.status = 'active') p
    ) x(centre_id, facet, figure, fiscal_year, n, amount)
    GROUP BY 1, 2, 3, 4
    ORDER BY 2, 4, 3, 1;
    DROP TABLE vc_case_facet;
    PERFORM set_config('vc.tallies', was, true);
END $$;
"""

# Room in each page for the updated versions of its rows (HOT updates: n and amount are in
# no index), so the rows of one (facet, fiscal year) stay together as the triggers update them.
STORAGE = "ALTER TABLE cases_dashboardtally SET (fillfactor = 50);"

TRIGGERS = r"""
CREATE TRIGGER vc_case_tallies AFTER INSERT OR UPDATE OR DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION vc_case_trigger();
CREATE TRIGGER vc_visit_tallies AFTER INSERT OR UPDATE OR DELETE ON cases_visit
    FOR EACH ROW EXECUTE FUNCTION vc_visit_trigger();
CREATE TRIGGER vc_assistance_tallies AFTER INSERT OR UPDATE OR DELETE ON cases_assistance
    FOR EACH ROW EXECUTE FUNCTION vc_assistance_trigger();
CREATE TRIGGER vc_referral_tallies AFTER INSERT OR UPDATE OR DELETE ON cases_referral
    FOR EACH ROW EXECUTE FUNCTION vc_referral_trigger();
CREATE TRIGGER vc_registration_tallies AFTER INSERT OR UPDATE OR DELETE
    ON volunteers_registration FOR EACH ROW EXECUTE FUNCTION vc_registration_trigger();
"""

DROP = r"""
DROP TRIGGER IF EXISTS vc_case_tallies ON cases_case;
DROP TRIGGER IF EXISTS vc_visit_tallies ON cases_visit;
DROP TRIGGER IF EXISTS vc_assistance_tallies ON cases_assistance;
DROP TRIGGER IF EXISTS vc_referral_tallies ON cases_referral;
DROP TRIGGER IF EXISTS vc_registration_tallies ON volunteers_registration;
DROP FUNCTION IF EXISTS vc_tallies_rebuild(),
    vc_registration_trigger(), vc_active_volunteer_refresh(bigint),
    vc_registration_rows(volunteers_registration, int), vc_referral_trigger(),
    vc_assistance_trigger(), vc_visit_trigger(), vc_case_follow_up_refresh(bigint),
    vc_child_rows(bigint, text[], date, numeric, int), vc_case_trigger(),
    vc_children_rows(bigint, bigint, text[], int), vc_case_rows(cases_case, int),
    vc_case_facets(varchar[]), vc_tally_apply(vc_tally_row[]), vc_tallies_on(), vc_fy(date);
DROP TYPE IF EXISTS vc_tally_row;
"""


def rebuild(cursor) -> None:
    """Recompute every tally and follow-up column from the rows (after a bulk load)."""
    cursor.execute("SELECT vc_tallies_rebuild()")
