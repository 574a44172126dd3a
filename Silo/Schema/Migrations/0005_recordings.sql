-- Recordings (录音): every SIP call is recorded whole (caller and the hotline's side on separate channels),
-- and the IVR keeps the messages callers leave (complaints, mayor's mailbox, after-hours voicemail).
-- The audio is a WAV file under the recordings folder; this row is what links it to the call and the ticket,
-- and what the access rules are checked against.
CREATE TABLE recordings (
    recording_id   text PRIMARY KEY,
    call_id        text NOT NULL,
    ticket_number  text NULL,
    kind           text NOT NULL CHECK (kind IN ('call', 'complaint', 'mailbox', 'voicemail')),
    -- Relative to the recordings folder, so the folder can move (or be a shared mount) without rewriting rows.
    path           text NOT NULL,
    channels       smallint NOT NULL CHECK (channels IN (1, 2)),
    duration_ms    integer NOT NULL CHECK (duration_ms >= 0),
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX recordings_call_idx ON recordings (call_id);
CREATE INDEX recordings_ticket_idx ON recordings (ticket_number) WHERE ticket_number IS NOT NULL;
