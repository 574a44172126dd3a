-- The audit trail (审计日志), owned by the role hotline_audit, not by the application's role.
--
-- Run as hotline_audit (or a superuser) in the hotline database: scripts/pg.sh does it in the `hotline` database
-- and in template1, so that every database made afterwards (the tests' too) has it. The application's role
-- (hotline) may INSERT and SELECT, nothing else: it cannot change, delete or truncate a row, drop the table or
-- add a trigger. Each row carries the SHA-256 of its content and the previous row's hash (computed by the API,
-- checked by `dotnet Hotline.Client.Api.dll audit-verify` and GET /api/audit/verify).
CREATE SCHEMA IF NOT EXISTS audit AUTHORIZATION hotline_audit;

CREATE TABLE IF NOT EXISTS audit.entries
(
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    at          timestamptz NOT NULL,
    job_no      text        NOT NULL,   -- '' for a stranger
    roles       text        NOT NULL,   -- comma-separated
    source      text        NOT NULL,   -- the client's address (forwarded only by a configured proxy)
    action      text        NOT NULL,   -- 'POST /api/tickets/{number}/dispatch', 'ui users.admin', 'sign-in'
    entity      text        NOT NULL,   -- route values, e.g. 'number=20260001234'
    outcome     integer     NOT NULL,   -- the HTTP status
    prev_hash   bytea       NOT NULL,
    hash        bytea       NOT NULL,
    CONSTRAINT entries_pkey PRIMARY KEY (id),
    CONSTRAINT entries_hash_is_sha256 CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32)
);

CREATE INDEX IF NOT EXISTS entries_at_idx ON audit.entries (at);
CREATE INDEX IF NOT EXISTS entries_job_no_idx ON audit.entries (job_no, at);

ALTER SCHEMA audit OWNER TO hotline_audit;
ALTER TABLE audit.entries OWNER TO hotline_audit;
REVOKE ALL ON SCHEMA audit FROM PUBLIC;
REVOKE ALL ON audit.entries FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO hotline;
GRANT SELECT, INSERT ON audit.entries TO hotline;
