-- The live events (calls, seats, queues, tickets) as a short log in PostgreSQL instead of an in-memory Orleans stream.
-- Each silo appends its events in batches; every API process follows the log (LISTEN hotline_events, then reads what
-- is new by id) and fans it out to the desks, the wall and SSE clients. So events do not depend on any one silo being
-- alive, every API process sees the same events with the same ids, and a client that reconnects with Last-Event-ID
-- gets what it missed. Writers append under one advisory lock, so ids become visible in order (a reader that has
-- seen id n never later finds an id below n). Rows older than the retention window are deleted by the silos.
CREATE TABLE hotline_events (
    id        bigserial   PRIMARY KEY,
    topic     text        NOT NULL,
    type      text        NOT NULL,
    entity_id text        NOT NULL,
    at        timestamptz NOT NULL,
    state     text        NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX hotline_events_logged_at_idx ON hotline_events (logged_at);
