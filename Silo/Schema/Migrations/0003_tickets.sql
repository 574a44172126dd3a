-- Work orders (工单) and their history. The TicketGrain's storage (Silo/Storage/TicketRecordStorage.cs) writes
-- both in one statement inside one transaction: the tickets row (the read model's columns plus the grain's whole
-- state as payload) and the history lines not yet stored. A crash can lose a write, never half of one.

-- One row per work order. payload is the grain's state (TicketRecord as JSON); the other columns are derived
-- from it on every write so that lists, search and reports filter without reading JSON. Enum columns hold the
-- API's lower-case names (Hotline.Names.Of). etag is the storage's optimistic-concurrency version: a write
-- succeeds only with the etag it read.
CREATE TABLE tickets
(
    -- The public number (受理号): digits ending in a Damm check digit, 8 by default (Hotline:Tickets:NumberLength).
    number               text        NOT NULL,
    etag                 integer     NOT NULL,
    status               text        NOT NULL,
    kind                 text        NOT NULL,
    channel              text        NOT NULL,
    -- Category id from the category tree (性质类别), e.g. 'housing-fund'.
    category             text        NOT NULL,
    caller_name          text        NULL,
    caller_phone         text        NULL,
    -- The citizen's public status lookup asks for the last digits of the phone.
    caller_phone_last4   text        NULL,
    summary              text        NOT NULL,
    content              text        NOT NULL,
    address              text        NULL,
    district             text        NULL,
    call_id              text        NULL,
    -- 主办 and 协办 departments; a department's list shows both.
    lead_department      text        NULL,
    co_departments       text[]      NOT NULL DEFAULT '{}',
    suggested_department text        NULL,
    created_at           timestamptz NOT NULL,
    created_by           text        NOT NULL,
    updated_at           timestamptz NOT NULL,
    -- Time limits (限时办理): sign by, reply by, finish by.
    sign_due             timestamptz NULL,
    reply_due            timestamptz NULL,
    finish_due           timestamptz NULL,
    overdue              boolean     NOT NULL,
    supervised           boolean     NOT NULL,
    urge_count           integer     NOT NULL,
    reply                text        NULL,
    replied_at           timestamptz NULL,
    satisfaction         text        NULL,
    return_count         integer     NOT NULL,
    reopen_count         integer     NOT NULL,
    merged_into          text        NULL,
    closed_at            timestamptz NULL,
    -- Chinese full-text search: character bigrams made in C# (ChineseSearch), weighted A (number, summary),
    -- B (category, address), C (content). Query with  search @@ to_tsquery('simple', <ChineseSearch.Query(q)>).
    search               tsvector    NOT NULL,
    payload              jsonb       NOT NULL,
    CONSTRAINT tickets_pkey PRIMARY KEY (number),
    CONSTRAINT tickets_number_digits CHECK (number ~ '^[0-9]{6,18}$'),
    CONSTRAINT tickets_etag_positive CHECK (etag > 0),
    CONSTRAINT tickets_status_known CHECK (status IN
        ('registered', 'resolved', 'dispatched', 'signed', 'returned', 'replied', 'reopened', 'closed', 'merged')),
    CONSTRAINT tickets_kind_known CHECK (kind IN
        ('consultation', 'help', 'complaint', 'report', 'suggestion', 'praise')),
    CONSTRAINT tickets_channel_known CHECK (channel IN
        ('phone', 'ivr', 'web', 'app', 'wechat', 'sms', 'mayor_mailbox', 'email')),
    CONSTRAINT tickets_satisfaction_known CHECK (satisfaction IN ('satisfied', 'basically', 'unsatisfied')),
    CONSTRAINT tickets_phone_last4_digits CHECK (caller_phone_last4 ~ '^[0-9]{4}$'),
    CONSTRAINT tickets_counts_not_negative CHECK (urge_count >= 0 AND return_count >= 0 AND reopen_count >= 0)
);

-- GET /api/tickets filters, each newest first: ?status=, ?kind=, ?category=, ?channel=, ?from=&to=.
CREATE INDEX tickets_status_created_idx ON tickets (status, created_at DESC);
CREATE INDEX tickets_kind_created_idx ON tickets (kind, created_at DESC);
CREATE INDEX tickets_category_created_idx ON tickets (category, created_at DESC);
CREATE INDEX tickets_channel_created_idx ON tickets (channel, created_at DESC);
CREATE INDEX tickets_created_idx ON tickets (created_at DESC);
-- A department's work list (?department=, GET /api/departments/{id}/tickets): the orders it leads, by state ...
CREATE INDEX tickets_lead_status_created_idx ON tickets (lead_department, status, created_at DESC)
    WHERE lead_department IS NOT NULL;
-- ... and the orders it co-handles:  co_departments @> ARRAY[$dept]
CREATE INDEX tickets_co_departments_idx ON tickets USING gin (co_departments);
-- ?overdue=true: few rows, so a partial index.
CREATE INDEX tickets_overdue_created_idx ON tickets (created_at DESC) WHERE overdue;
-- ?q= full-text search.
CREATE INDEX tickets_search_idx ON tickets USING gin (search);
-- The order registered during a call, and a caller's earlier orders (repeat callers).
CREATE INDEX tickets_call_id_idx ON tickets (call_id) WHERE call_id IS NOT NULL;
CREATE INDEX tickets_caller_phone_created_idx ON tickets (caller_phone, created_at DESC) WHERE caller_phone IS NOT NULL;

-- Every action on an order (GET /api/tickets/{number}/history): who (工号, role, department), when, what, note.
-- sequence counts from 1 per order, as the grain numbers its entries. Append-only: see the trigger below.
CREATE TABLE ticket_history
(
    number        text        NOT NULL,
    sequence      integer     NOT NULL,
    at            timestamptz NOT NULL,
    job_no        text        NOT NULL,
    role          text        NOT NULL,
    action        text        NOT NULL,
    note          text        NULL,
    department_id text        NULL,
    CONSTRAINT ticket_history_pkey PRIMARY KEY (number, sequence),
    CONSTRAINT ticket_history_number_fkey FOREIGN KEY (number) REFERENCES tickets (number),
    CONSTRAINT ticket_history_sequence_positive CHECK (sequence > 0)
);

-- One agent's work log, and a department's actions for the evaluation report (考核), by time.
CREATE INDEX ticket_history_job_no_at_idx ON ticket_history (job_no, at DESC);
CREATE INDEX ticket_history_department_at_idx ON ticket_history (department_id, at DESC) WHERE department_id IS NOT NULL;

-- History is evidence (who did what, when) and is never edited: the database refuses to change or remove a line,
-- whoever asks. Inserting new lines is the only write.
CREATE FUNCTION ticket_history_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
AS $fn$
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        RAISE EXCEPTION 'ticket_history is append-only: % of line % of work order % refused', TG_OP, OLD.sequence, OLD.number
            USING ERRCODE = 'restrict_violation', HINT = 'Record a correction as a new history line.';
    END IF;
    RAISE EXCEPTION 'ticket_history is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation', HINT = 'Record a correction as a new history line.';
END
$fn$;

CREATE TRIGGER ticket_history_append_only
    BEFORE UPDATE OR DELETE ON ticket_history
    FOR EACH ROW EXECUTE FUNCTION ticket_history_refuse_change();

-- Row triggers do not fire on TRUNCATE.
CREATE TRIGGER ticket_history_no_truncate
    BEFORE TRUNCATE ON ticket_history
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_history_refuse_change();
