"""New registrations tallied once a statement: the trigger migration 0013 made and the
function 0014 replaced it with, each with its undo."""

# Migration 0013: new registrations are tallied once a statement, not once a row. The import
# writes 2,000 registrations a COPY, all at one centre: a row trigger updated the same few
# tally rows 2,000 times in one transaction, every update a new version of the row that none
# could prune, and each next update walked the versions before it (a 100,000-row import's save
# did not finish in five minutes). Updates and deletes, one registration at a time in the
# product, keep the row trigger. The statement trigger's function as 0013 made it refreshes
# one volunteer's placements at a time (0014 replaces it; its undo brings this one back).
_INSERT_STATEMENT_ONE_AT_A_TIME = r"""
CREATE OR REPLACE FUNCTION vc_registration_insert_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[];
    v bigint;
BEGIN
    IF NOT vc_tallies_on() THEN RETURN NULL; END IF;
    SELECT coalesce(array_agg(x), '{}') INTO delta
    FROM new_registrations r, unnest(vc_registration_rows(r, 1)) x;
    -- In key order, as vc_tally_apply does, so concurrent writers lock in the same order.
    FOR v IN SELECT DISTINCT volunteer_id FROM new_registrations ORDER BY 1 LOOP
        delta := delta || vc_active_volunteer_refresh(v);
    END LOOP;
    PERFORM vc_tally_apply(delta);
    RETURN NULL;
END $$;
"""

INSERT_STATEMENT_TRIGGER = (
    _INSERT_STATEMENT_ONE_AT_A_TIME
    + r"""
DROP TRIGGER vc_registration_tallies ON volunteers_registration;
CREATE TRIGGER vc_registration_tallies AFTER UPDATE OR DELETE
    ON volunteers_registration FOR EACH ROW EXECUTE FUNCTION vc_registration_trigger();
CREATE TRIGGER vc_registration_insert_tallies AFTER INSERT ON volunteers_registration
    REFERENCING NEW TABLE AS new_registrations
    FOR EACH STATEMENT EXECUTE FUNCTION vc_registration_insert_statement();
"""
)

INSERT_STATEMENT_TRIGGER_UNDO = r"""
DROP TRIGGER vc_registration_insert_tallies ON volunteers_registration;
DROP FUNCTION vc_registration_insert_statement();
DROP TRIGGER vc_registration_tallies ON volunteers_registration;
CREATE TRIGGER vc_registration_tallies AFTER INSERT OR UPDATE OR DELETE
    ON volunteers_registration FOR EACH ROW EXECUTE FUNCTION vc_registration_trigger();
"""

# Migration 0014: the placements of a statement's new registrations refreshed in a few
# statements for all their volunteers, not a loop of four statements a volunteer (whose delta
# array was copied again at every step). A 100,000-row import spent about 10 s of its save in
# that loop. The rules are vc_active_volunteer_refresh's: the placements rows made if missing
# and locked in key order, the active registrations read after the locks are held, and a
# volunteer counted once per centre whatever their programmes there.
INSERT_STATEMENT_SET = r"""
CREATE OR REPLACE FUNCTION vc_active_volunteers_refresh(volunteers bigint[]) RETURNS vc_tally_row[]
LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[];
BEGIN
    INSERT INTO cases_activevolunteer (volunteer_id, placements, centre_count)
    SELECT v, '{}', 0 FROM unnest(volunteers) v ORDER BY 1 ON CONFLICT DO NOTHING;
    PERFORM 1 FROM cases_activevolunteer WHERE volunteer_id = ANY(volunteers)
    ORDER BY volunteer_id FOR UPDATE;
    WITH now_active AS (
        SELECT a.volunteer_id, a.placements::text[] AS before,
               coalesce(p.after, '{}') AS after
        FROM cases_activevolunteer a
        LEFT JOIN (
            SELECT r.volunteer_id,
                   array_agg(DISTINCT r.centre_id || ':' || r.programme
                             ORDER BY r.centre_id || ':' || r.programme) AS after
            FROM volunteers_registration r
            WHERE r.volunteer_id = ANY(volunteers) AND r.status = 'active'
            GROUP BY 1
        ) p USING (volunteer_id)
        WHERE a.volunteer_id = ANY(volunteers)
    ), changed AS (
        SELECT * FROM now_active WHERE after IS DISTINCT FROM before
    ), written AS (
        UPDATE cases_activevolunteer a SET placements = c.after,
            centre_count = (SELECT count(DISTINCT split_part(p, ':', 1)) FROM unnest(c.after) p)
        FROM changed c WHERE a.volunteer_id = c.volunteer_id
    ), side(volunteer_id, sign, centre_id, programme) AS (
        SELECT c.volunteer_id, -1, split_part(p, ':', 1)::bigint, split_part(p, ':', 2)
        FROM changed c, unnest(c.before) p
        UNION ALL
        SELECT c.volunteer_id, 1, split_part(p, ':', 1)::bigint, split_part(p, ':', 2)
        FROM changed c, unnest(c.after) p
    ), persons(sign, centre_id, facet) AS (
        SELECT sign, centre_id, programme FROM side
        UNION ALL
        SELECT DISTINCT ON (volunteer_id, sign, centre_id) sign, centre_id, '' FROM side
    )
    SELECT coalesce(array_agg(ROW(centre_id, facet, 'active', 0, sign, 0)::vc_tally_row), '{}')
    INTO delta FROM persons;
    RETURN delta;
END $$;

CREATE OR REPLACE FUNCTION vc_registration_insert_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta vc_tally_row[];
BEGIN
    IF NOT vc_tallies_on() THEN RETURN NULL; END IF;
    SELECT coalesce(array_agg(ROW(r.centre_id, f, x.figure, x.fy, 1, 0)::vc_tally_row), '{}')
    INTO delta
    FROM new_registrations r, unnest(ARRAY['', r.programme::text]) f,
    LATERAL (
        SELECT 'registered', vc_fy(r.registered_on)
        UNION ALL SELECT 'ended', vc_fy(r.ended_on) WHERE r.ended_on IS NOT NULL
    ) x(figure, fy);
    delta := delta || vc_active_volunteers_refresh(
        array(SELECT DISTINCT volunteer_id FROM new_registrations ORDER BY 1));
    PERFORM vc_tally_apply(delta);
    RETURN NULL;
END $$;
"""

# Back to 0013's function, which refreshed one volunteer at a time.
INSERT_STATEMENT_SET_UNDO = (
    _INSERT_STATEMENT_ONE_AT_A_TIME
    + r"""
DROP FUNCTION vc_active_volunteers_refresh(bigint[]);
"""
)
