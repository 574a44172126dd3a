-- Opinion surveys and department evaluations (issue 14, first part): sample frames built from imports, the
-- do-not-call list, systematic-sample draws with their seed, and versioned questionnaires. The API host writes these
-- tables itself (bulk imports go through binary COPY); no grain state lives here.

-- The survey lead (调查组长) designs questionnaires, imports frames and draws samples.
ALTER TABLE users DROP CONSTRAINT users_roles_known;
ALTER TABLE users ADD CONSTRAINT users_roles_known CHECK (
    roles <@ ARRAY['agent', 'supervisor', 'dispatcher', 'department', 'admin', 'auditor', 'integration', 'survey_lead']::text[]);

CREATE TABLE survey_frames (
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    name        text        NOT NULL,
    description text        NULL,
    -- Bumped by every change of the frame's units: a preview made at an older revision can no longer be confirmed.
    revision    integer     NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    CONSTRAINT survey_frames_pkey PRIMARY KEY (id),
    CONSTRAINT survey_frames_name_not_blank CHECK (btrim(name) <> '')
);

-- An upload screened but not yet confirmed ('pending'); confirming moves its rows into the frame in one transaction.
CREATE TABLE survey_imports (
    id             bigint      GENERATED ALWAYS AS IDENTITY,
    frame_id       bigint      NOT NULL,
    status         text        NOT NULL DEFAULT 'pending',
    file_name      text        NULL,
    format         text        NOT NULL,
    default_source text        NULL,
    recent_days    integer     NOT NULL,
    base_revision  integer     NOT NULL,
    row_count      integer     NOT NULL,
    accepted       integer     NOT NULL,
    bad            integer     NOT NULL,
    duplicates     integer     NOT NULL,
    excluded       integer     NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     text        NOT NULL,
    decided_at     timestamptz NULL,
    decided_by     text        NULL,
    CONSTRAINT survey_imports_pkey PRIMARY KEY (id),
    CONSTRAINT survey_imports_frame_fkey FOREIGN KEY (frame_id) REFERENCES survey_frames (id) ON DELETE CASCADE,
    CONSTRAINT survey_imports_status_known CHECK (status IN ('pending', 'confirmed', 'discarded')),
    CONSTRAINT survey_imports_format_known CHECK (format IN ('csv', 'xlsx', 'callers', 'manual'))
);

CREATE TABLE survey_frame_units (
    frame_id   bigint NOT NULL,
    number     text   NOT NULL,
    kind       text   NOT NULL,
    county     text   NULL,
    department text   NULL,
    category   text   NULL,
    source     text   NOT NULL,
    import_id  bigint NOT NULL,
    -- One number once per frame, whichever source brought it: the cross-source de-duplication.
    CONSTRAINT survey_frame_units_pkey PRIMARY KEY (frame_id, number),
    CONSTRAINT survey_frame_units_frame_fkey FOREIGN KEY (frame_id) REFERENCES survey_frames (id) ON DELETE CASCADE,
    CONSTRAINT survey_frame_units_kind_known CHECK (kind IN ('mobile', 'landline')),
    CONSTRAINT survey_frame_units_source_known CHECK (source IN ('department', 'hotline', 'enterprise', 'carrier'))
);

-- The accepted rows of a pending import; deleted when it is confirmed or discarded. No key: filled by COPY.
-- Unlogged: a preview is scratch work, written and deleted a million rows at a time without WAL; after a database
-- crash PostgreSQL empties the table, and confirming such a preview is refused (its row count no longer matches).
CREATE UNLOGGED TABLE survey_import_rows (
    import_id  bigint  NOT NULL,
    line       integer NOT NULL,
    number     text    NOT NULL,
    kind       text    NOT NULL,
    county     text    NULL,
    department text    NULL,
    category   text    NULL,
    source     text    NOT NULL,
    CONSTRAINT survey_import_rows_import_fkey FOREIGN KEY (import_id) REFERENCES survey_imports (id) ON DELETE CASCADE
);
CREATE INDEX survey_import_rows_import_idx ON survey_import_rows (import_id);

-- Every row an import did not take, with why (bad, duplicate, excluded); the number is kept masked.
CREATE TABLE survey_import_issues (
    import_id bigint  NOT NULL,
    line      integer NOT NULL,
    kind      text    NOT NULL,
    field     text    NOT NULL,
    code      text    NOT NULL,
    reason    text    NOT NULL,
    number    text    NULL,
    CONSTRAINT survey_import_issues_import_fkey FOREIGN KEY (import_id) REFERENCES survey_imports (id) ON DELETE CASCADE,
    CONSTRAINT survey_import_issues_kind_known CHECK (kind IN ('bad', 'duplicate', 'excluded'))
);
CREATE INDEX survey_import_issues_import_idx ON survey_import_issues (import_id, line);

-- Numbers that are never called for a survey (免打扰), normalised.
CREATE TABLE survey_do_not_call (
    number   text        NOT NULL,
    reason   text        NULL,
    added_at timestamptz NOT NULL,
    added_by text        NOT NULL,
    CONSTRAINT survey_do_not_call_pkey PRIMARY KEY (number)
);

-- When a number was last reached by any survey: the "not again within N days" rule reads it; the dialler writes it.
CREATE TABLE survey_contacts (
    number       text        NOT NULL,
    contacted_at timestamptz NOT NULL,
    survey       text        NOT NULL
);
CREATE INDEX survey_contacts_number_idx ON survey_contacts (number, contacted_at);
CREATE INDEX survey_contacts_time_idx ON survey_contacts (contacted_at);

-- A systematic-sample draw: the seed, design and per-stratum interval and start are kept so it can be repeated and
-- audited. A replacement draw names the original draw in root_draw_id and never takes a number any draw of that root took.
CREATE TABLE survey_draws (
    id             bigint      GENERATED ALWAYS AS IDENTITY,
    frame_id       bigint      NOT NULL,
    root_draw_id   bigint      NULL,
    frame_revision integer     NOT NULL,
    seed           bigint      NOT NULL,
    sort_order     text        NOT NULL,
    recent_days    integer     NOT NULL,
    design         jsonb       NOT NULL,
    strata         jsonb       NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     text        NOT NULL,
    CONSTRAINT survey_draws_pkey PRIMARY KEY (id),
    CONSTRAINT survey_draws_frame_fkey FOREIGN KEY (frame_id) REFERENCES survey_frames (id) ON DELETE CASCADE,
    CONSTRAINT survey_draws_root_fkey FOREIGN KEY (root_draw_id) REFERENCES survey_draws (id) ON DELETE CASCADE
);
CREATE INDEX survey_draws_root_idx ON survey_draws (root_draw_id);

CREATE TABLE survey_draw_members (
    draw_id bigint  NOT NULL,
    stratum text    NOT NULL,
    ordinal integer NOT NULL,
    number  text    NOT NULL,
    CONSTRAINT survey_draw_members_pkey PRIMARY KEY (draw_id, number),
    CONSTRAINT survey_draw_members_draw_fkey FOREIGN KEY (draw_id) REFERENCES survey_draws (id) ON DELETE CASCADE
);

CREATE TABLE survey_questionnaires (
    id         text        NOT NULL,
    created_at timestamptz NOT NULL,
    created_by text        NOT NULL,
    CONSTRAINT survey_questionnaires_pkey PRIMARY KEY (id)
);

-- Versions are never updated: an interview keeps the version it started with.
CREATE TABLE survey_questionnaire_versions (
    questionnaire_id text        NOT NULL,
    version          integer     NOT NULL,
    title            text        NOT NULL,
    department_kind  text        NOT NULL,
    definition       jsonb       NOT NULL,
    created_at       timestamptz NOT NULL,
    created_by       text        NOT NULL,
    CONSTRAINT survey_questionnaire_versions_pkey PRIMARY KEY (questionnaire_id, version),
    CONSTRAINT survey_questionnaire_versions_questionnaire_fkey FOREIGN KEY (questionnaire_id) REFERENCES survey_questionnaires (id),
    CONSTRAINT survey_questionnaire_versions_version_positive CHECK (version > 0)
);
