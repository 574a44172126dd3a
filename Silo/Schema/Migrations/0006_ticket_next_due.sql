-- When each work order's next deadline event is due (automatic urge, 定时催办, sign limit, reply or finish limit),
-- null when none is left or the order is finished. The ticket storage writes it from the grain's state in the same
-- statement as the rest of the row, so it is as durable as the order. One deadline sweep (DeadlineSweepGrain, one
-- Orleans reminder for the cluster) reads the due orders through the index below every minute and asks each to
-- handle its event; orders no longer register a reminder of their own.
--
-- Orders stored before this migration keep their per-order reminder ("deadline") until it next ticks: the order
-- then handles what is due, stores its next_due_at and drops that reminder. So nothing is backfilled here.
ALTER TABLE tickets ADD COLUMN next_due_at timestamptz NULL;

CREATE INDEX tickets_next_due_idx ON tickets (next_due_at, number) WHERE next_due_at IS NOT NULL;
