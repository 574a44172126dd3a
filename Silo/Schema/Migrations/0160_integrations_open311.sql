-- Channels (issue 16): API keys for integrations, idempotent submissions shared by every API process, and the
-- Open311 GeoReport v2 requests with what the spec carries beyond a work order.

-- Work orders may now arrive through Open311 (channel 'open311').
ALTER TABLE tickets DROP CONSTRAINT tickets_channel_known;
ALTER TABLE tickets ADD CONSTRAINT tickets_channel_known CHECK (channel IN
    ('phone', 'ivr', 'web', 'app', 'wechat', 'sms', 'mayor_mailbox', 'email', 'open311'));

-- An integration's API key. The key is 'hk_<key_id>_<secret>'; only the SHA-256 of the whole key is kept, so a
-- copy of this table authenticates nobody. account is the integration account (role 'integration') the key acts as.
CREATE TABLE integration_keys
(
    key_id           text        NOT NULL,
    key_hash         bytea       NOT NULL,
    account          text        NOT NULL,
    name             text        NOT NULL,
    scopes           text[]      NOT NULL,
    -- Requests per minute allowed to this key (per API process).
    rate_per_minute  integer     NOT NULL,
    created_at       timestamptz NOT NULL,
    created_by       text        NOT NULL,
    revoked_at       timestamptz NULL,
    revoked_by       text        NULL,
    last_used_at     timestamptz NULL,
    CONSTRAINT integration_keys_pkey PRIMARY KEY (key_id),
    CONSTRAINT integration_keys_account_fkey FOREIGN KEY (account) REFERENCES users (job_no),
    CONSTRAINT integration_keys_hash_is_sha256 CHECK (octet_length(key_hash) = 32),
    CONSTRAINT integration_keys_scopes_known CHECK (
        scopes <@ ARRAY['open311:write', 'tickets:submit', 'tickets:read']::text[] AND cardinality(scopes) > 0),
    CONSTRAINT integration_keys_rate_positive CHECK (rate_per_minute > 0)
);

CREATE INDEX integration_keys_account_idx ON integration_keys (account);

-- A write sent with an Idempotency-Key: the first result, so a retry (to any API process) returns it and creates
-- nothing. scope is who sent it (the key id); fingerprint is the request, so a reused key with another body is refused.
CREATE TABLE idempotent_requests
(
    scope         text        NOT NULL,
    key           text        NOT NULL,
    fingerprint   text        NOT NULL,
    ticket_number text        NOT NULL,
    created_at    timestamptz NOT NULL,
    CONSTRAINT idempotent_requests_pkey PRIMARY KEY (scope, key),
    CONSTRAINT idempotent_requests_key_length CHECK (char_length(key) BETWEEN 1 AND 128)
);

CREATE INDEX idempotent_requests_created_idx ON idempotent_requests (created_at);

-- One row per Open311 POST: the request-id token (tokens/{token}), the service code, and the spec's fields the
-- work order does not hold. lat/long, address_id and media_url are published (the submitter reported a place, not a
-- person); address is the submitter's own words and, like email, device_id and account_id, is never returned.
CREATE TABLE open311_requests
(
    token         text             NOT NULL,
    ticket_number text             NULL,
    service_code  text             NOT NULL,
    key_id        text             NOT NULL,
    lat           double precision NULL,
    long          double precision NULL,
    address       text             NULL,
    address_id    text             NULL,
    media_url     text             NULL,
    email         text             NULL,
    device_id     text             NULL,
    account_id    text             NULL,
    created_at    timestamptz      NOT NULL,
    -- Asynchronous creation: the validated intake waiting for the worker; NULL once the work order exists.
    pending       jsonb            NULL,
    CONSTRAINT open311_requests_pkey PRIMARY KEY (token),
    CONSTRAINT open311_requests_ticket_number_key UNIQUE (ticket_number),
    CONSTRAINT open311_requests_key_fkey FOREIGN KEY (key_id) REFERENCES integration_keys (key_id),
    CONSTRAINT open311_requests_pending_or_created CHECK ((pending IS NULL) <> (ticket_number IS NULL))
);

-- The asynchronous worker's queue: the few requests not yet created.
CREATE INDEX open311_requests_pending_idx ON open311_requests (created_at) WHERE pending IS NOT NULL;
