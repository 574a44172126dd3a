-- Sign-in hardening (issue 18).
--
-- An account can be disabled, and every change of its roles, department, password or state bumps its
-- token_version: a token carries the version it was issued under and is refused once they differ, on every
-- API process (each checks the account's version against this table with a cache of a second or two).
ALTER TABLE users
    ADD COLUMN disabled_at   timestamptz NULL,
    ADD COLUMN token_version integer     NOT NULL DEFAULT 0;

ALTER TABLE auth_tokens
    ADD COLUMN token_version integer NOT NULL DEFAULT 0;

-- Failed sign-ins per job number AND source address (an IPv4 address or an IPv6 /64). Unknown job numbers
-- are counted like known ones, so a lock-out says nothing about which numbers exist; and a stranger who
-- guesses from elsewhere does not lock the seat's own desk out. No foreign key, for the same reason.
CREATE TABLE sign_in_throttle
(
    job_no          text        NOT NULL,
    source          text        NOT NULL,
    failures        integer     NOT NULL,
    last_failure_at timestamptz NOT NULL,
    blocked_until   timestamptz NULL,
    CONSTRAINT sign_in_throttle_pkey PRIMARY KEY (job_no, source),
    CONSTRAINT sign_in_throttle_failures_positive CHECK (failures > 0)
);

-- Purging entries nobody has failed on for a day.
CREATE INDEX sign_in_throttle_last_failure_idx ON sign_in_throttle (last_failure_at);
