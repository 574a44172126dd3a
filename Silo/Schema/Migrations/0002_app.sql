-- The hotline's own tables: staff accounts (工号), their bearer tokens, and call detail records.

-- Staff account. job_no is the 工号 printed on the badge ('1001'); it is also the login name.
CREATE TABLE users
(
    job_no          text        NOT NULL,
    display_name    text        NOT NULL,
    -- ASP.NET Core PasswordHasher<T> output (base64, format marker in the first byte); never the password.
    password_hash   text        NOT NULL,
    roles           text[]      NOT NULL,
    department_id   text        NULL,
    -- Lock-out after repeated wrong passwords: the count resets on success, locked_until bars logins meanwhile.
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (job_no),
    CONSTRAINT users_job_no_not_blank CHECK (btrim(job_no) <> ''),
    CONSTRAINT users_roles_known CHECK (
        roles <@ ARRAY['agent', 'supervisor', 'dispatcher', 'department', 'admin', 'auditor', 'integration']::text[]),
    CONSTRAINT users_failed_attempts_not_negative CHECK (failed_attempts >= 0)
);

-- Opaque bearer tokens. Only the SHA-256 of the token is kept, so a copy of this table logs nobody in.
-- roles is the grant at issue time: changing a user's roles takes effect at their next login.
CREATE TABLE auth_tokens
(
    token_hash bytea       NOT NULL,
    job_no     text        NOT NULL,
    roles      text[]      NOT NULL,
    issued_at  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NULL,
    CONSTRAINT auth_tokens_pkey PRIMARY KEY (token_hash),
    CONSTRAINT auth_tokens_job_no_fkey FOREIGN KEY (job_no) REFERENCES users (job_no) ON DELETE CASCADE,
    CONSTRAINT auth_tokens_hash_is_sha256 CHECK (octet_length(token_hash) = 32),
    CONSTRAINT auth_tokens_expires_after_issue CHECK (expires_at > issued_at)
);

-- Purging expired tokens, and revoking every token of one user.
CREATE INDEX auth_tokens_expires_at_idx ON auth_tokens (expires_at);
CREATE INDEX auth_tokens_job_no_idx ON auth_tokens (job_no);

-- One row per call: the call detail record (话单) and, at the same time, the durable state of that call's
-- CallGrain. The grain's storage writes payload (the whole grain state) and, from it, the columns below so
-- that lists and reports can filter without reading JSON. etag is the storage's optimistic-concurrency
-- version: a write succeeds only with the etag it read.
CREATE TABLE call_records
(
    call_id         text        NOT NULL,
    etag            integer     NOT NULL,
    state           text        NOT NULL,
    channel         text        NOT NULL,
    caller_number   text        NULL,
    dialled_number  text        NULL,
    language        text        NULL,
    queue_id        text        NULL,
    seat_job_no     text        NULL,
    arrived_at      timestamptz NOT NULL,
    queued_at       timestamptz NULL,
    offered_at      timestamptz NULL,
    answered_at     timestamptz NULL,
    ended_at        timestamptz NULL,
    wrapup_ended_at timestamptz NULL,
    end_reason      text        NULL,
    ticket_number   text        NULL,
    payload         jsonb       NOT NULL,
    CONSTRAINT call_records_pkey PRIMARY KEY (call_id)
);

-- Live wallboard and supervisor lists: calls in a state, newest first.
CREATE INDEX call_records_state_arrived_idx ON call_records (state, arrived_at DESC);
-- Call history, newest first.
CREATE INDEX call_records_arrived_idx ON call_records (arrived_at DESC);
-- One agent's calls (seat_job_no is the answering agent's 工号), newest first.
CREATE INDEX call_records_seat_arrived_idx ON call_records (seat_job_no, arrived_at DESC)
    WHERE seat_job_no IS NOT NULL;
