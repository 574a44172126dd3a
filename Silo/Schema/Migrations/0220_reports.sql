-- Reports and KPIs (issue 15): indexes that let PostgreSQL aggregate a period's calls and work orders without
-- reading the wide rows, and the settings administrators keep for the department evaluation and hot topics.

-- Call KPIs per period, queue, seat, day and hour: a period's calls by arrival, with every column the aggregates
-- read, so a month (or a year) is an index-only scan.
CREATE INDEX call_records_report_idx ON call_records (arrived_at)
    INCLUDE (queue_id, seat_job_no, state, queued_at, answered_at, ended_at, wrapup_ended_at);

-- Work-order KPIs per period, department, category, district, kind and channel: the narrow columns by creation time.
CREATE INDEX tickets_report_idx ON tickets (created_at)
    INCLUDE (status, kind, channel, category, district, lead_department, sign_due, reply_due, finish_due, replied_at,
             closed_at, overdue, supervised, urge_count, return_count, reopen_count, satisfaction);
-- A district's (区县) orders, and a department's evaluation period whatever the status.
CREATE INDEX tickets_district_created_idx ON tickets (district, created_at) WHERE district IS NOT NULL;
CREATE INDEX tickets_lead_created_idx ON tickets (lead_department, created_at) WHERE lead_department IS NOT NULL;

-- The two history facts the KPIs read per order: when it was last signed (签收) and how many extensions (延期) were
-- approved. Few lines of the history are either, so partial indexes keep the per-order look-up small.
CREATE INDEX ticket_history_signed_idx ON ticket_history (number, at) WHERE action = 'signed';
CREATE INDEX ticket_history_extension_idx ON ticket_history (number) WHERE action = 'extension_approved';

-- Department evaluation (部门考评) weights, one row per indicator (DepartmentEvaluation's names: on_time_reply...).
-- No row at all means the built-in default weights.
CREATE TABLE report_evaluation_weights
(
    indicator  text             NOT NULL,
    weight     double precision NOT NULL,
    updated_by text             NOT NULL,
    updated_at timestamptz      NOT NULL,
    CONSTRAINT report_evaluation_weights_pkey PRIMARY KEY (indicator),
    CONSTRAINT report_evaluation_weights_range CHECK (weight >= 0 AND weight <= 100)
);

-- Hot topics (热点): the alert threshold, stop words and administrator terms. One row (id = 1); none means defaults.
CREATE TABLE report_hot_topic_settings
(
    id            integer          NOT NULL DEFAULT 1,
    rise_factor   double precision NOT NULL,
    minimum_count integer          NOT NULL,
    stop_words    text[]           NOT NULL DEFAULT '{}',
    terms         text[]           NOT NULL DEFAULT '{}',
    updated_by    text             NOT NULL,
    updated_at    timestamptz      NOT NULL,
    CONSTRAINT report_hot_topic_settings_pkey PRIMARY KEY (id),
    CONSTRAINT report_hot_topic_settings_single CHECK (id = 1),
    CONSTRAINT report_hot_topic_settings_rise CHECK (rise_factor >= 1 AND rise_factor <= 100),
    CONSTRAINT report_hot_topic_settings_minimum CHECK (minimum_count >= 1)
);
