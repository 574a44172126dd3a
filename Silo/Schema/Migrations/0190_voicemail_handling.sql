-- Voicemail work list (留言处理, issue 19): a call that ended as voicemail (a message left in the IVR after hours,
-- or a queue that gave up on the caller: full, or waited too long) is work for a desk until someone says how it was
-- handled. The voicemails themselves are the call records in state 'voicemail' (their message, if any, is a
-- 'voicemail' row in recordings); this table holds only the desk's answer, one per call, written once.
CREATE TABLE voicemail_handling
(
    call_id       text        NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('called_back', 'ticket_registered', 'no_action')),
    -- The work order registered for it: present exactly when that is the outcome.
    ticket_number text        NULL,
    note          text        NULL CHECK (char_length(note) <= 500),
    handled_by    text        NOT NULL,
    handled_at    timestamptz NOT NULL,
    CONSTRAINT voicemail_handling_pkey PRIMARY KEY (call_id),
    CONSTRAINT voicemail_handling_ticket_chk CHECK ((outcome = 'ticket_registered') = (ticket_number IS NOT NULL))
);

-- The work list reads voicemail calls oldest first.
CREATE INDEX call_records_voicemail_arrived_idx ON call_records (arrived_at, call_id) WHERE state = 'voicemail';
