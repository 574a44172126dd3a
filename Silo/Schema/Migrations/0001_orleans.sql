-- Orleans ADO.NET providers on PostgreSQL: clustering, grain storage and reminders
-- (Microsoft.Orleans.Clustering.AdoNet, .Persistence.AdoNet, .Reminders.AdoNet 10.4.2, invariant "Npgsql").
--
-- The contract with those packages, read from the 10.4.2 assemblies:
-- * At start-up each provider runs `SELECT QueryKey, QueryText FROM OrleansQuery` and afterwards issues only
--   the query texts it found there. Missing required keys stop the provider with
--   "Not all required queries found. Missing are: ...".
-- * Query texts take named parameters (@Name). Parameter names, and the names of the result columns the
--   providers read, are the contract; table layouts and functions behind them are ours.
-- * Npgsql types the parameters: strings as text, ints as integer, longs as bigint, byte[] as bytea,
--   DateTime as timestamptz (all times are UTC).
-- * "Boolean" answers (insert/update membership, insert version row, delete reminder) are one row with one
--   column, read with Convert.ToBoolean: 0 is false, anything else true.
-- * Etags are integer versions that the queries themselves increase.
-- Unquoted identifiers fold to lower case; Npgsql finds result columns by name case-insensitively, so the
-- providers' "PayloadBinary" or "IAmAliveTime" find payloadbinary and iamalivetime.

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

-- ---------------------------------------------------------------------------------------------------------
-- Clustering (membership). One version row per cluster (DeploymentId = ClusterId); every membership change
-- must present the version it read and bumps it, which is how Orleans detects concurrent writers.
-- SiloStatus values: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL,
    Timestamp    timestamptz NOT NULL DEFAULT now(),
    Version      integer     NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId text        NOT NULL,
    Address      varchar(45) NOT NULL,
    Port         integer     NOT NULL,
    Generation   integer     NOT NULL,
    SiloName     text        NOT NULL,
    HostName     text        NOT NULL,
    Status       integer     NOT NULL,
    ProxyPort    integer     NOT NULL DEFAULT 0,
    -- "silo,yyyy-MM-dd HH:mm:ss.fff GMT|..." votes written and parsed by Orleans; the database never looks inside
    -- except to compare it whole.
    SuspectTimes text        NULL,
    StartTime    timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,
    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Both membership writers lock the version row first, then the silo row, so they cannot deadlock each other.
-- A write that loses after bumping the version is undone by leaving a sub-transaction through an exception
-- (RAISE, not ASSERT: assertions can be switched off with plpgsql.check_asserts).

CREATE FUNCTION orleans_insert_membership(
    p_deployment_id  text,
    p_address        text,
    p_port           integer,
    p_generation     integer,
    p_silo_name      text,
    p_host_name      text,
    p_status         integer,
    p_proxy_port     integer,
    p_start_time     timestamptz,
    p_i_am_alive     timestamptz,
    p_seen_version   integer)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable AS v
        SET Version = v.Version + 1, Timestamp = now()
        WHERE v.DeploymentId = p_deployment_id AND v.Version = p_seen_version;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RETURN 0; -- someone else changed the table since this silo read it
        END IF;

        INSERT INTO OrleansMembershipTable AS m
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status,
             coalesce(p_proxy_port, 0), p_start_time, p_i_am_alive)
        ON CONFLICT ON CONSTRAINT PK_MembershipTable_DeploymentId DO NOTHING;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'silo % already in the membership table', p_address USING ERRCODE = 'HL409';
        END IF;
    EXCEPTION WHEN SQLSTATE 'HL409' THEN
        RETURN 0; -- the version bump above is rolled back with the sub-transaction
    END;
    RETURN 1;
END
$fn$;

CREATE FUNCTION orleans_update_membership(
    p_deployment_id  text,
    p_address        text,
    p_port           integer,
    p_generation     integer,
    p_status         integer,
    p_suspect_times  text,
    p_i_am_alive     timestamptz,
    p_seen_version   integer)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    affected integer;
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable AS v
        SET Version = v.Version + 1, Timestamp = now()
        WHERE v.DeploymentId = p_deployment_id AND v.Version = p_seen_version;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RETURN 0;
        END IF;

        UPDATE OrleansMembershipTable AS m
        SET Status = p_status,
            SuspectTimes = p_suspect_times,
            -- a heartbeat written meanwhile may be newer than the one this silo read
            IAmAliveTime = greatest(m.IAmAliveTime, p_i_am_alive)
        WHERE m.DeploymentId = p_deployment_id
          AND m.Address = p_address AND m.Port = p_port AND m.Generation = p_generation;
        GET DIAGNOSTICS affected = ROW_COUNT;
        IF affected = 0 THEN
            RAISE EXCEPTION 'silo % not in the membership table', p_address USING ERRCODE = 'HL404';
        END IF;
    EXCEPTION WHEN SQLSTATE 'HL404' THEN
        RETURN 0;
    END;
    RETURN 1;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the cluster's version row once; true only for the caller that created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer AS Created FROM created;
$q$),

('InsertMembershipKey', $q$
SELECT orleans_insert_membership(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
    @StartTime, @IAmAliveTime, @Version) AS Inserted;
$q$),

('UpdateMembershipKey', $q$
SELECT orleans_update_membership(
    @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version) AS Updated;
$q$),

-- Heartbeat: does not touch the version (Orleans never checks its result).
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
SET IAmAliveTime = greatest(IAmAliveTime, @IAmAliveTime)
WHERE DeploymentId = @DeploymentId
  AND Address = @Address AND Port = @Port AND Generation = @Generation;
$q$),

-- One silo's row plus the table version; the LEFT JOIN returns the version even when the silo has no row
-- (Orleans then sees a row whose StartTime is NULL and reads it as "no entry").
('MembershipReadRowKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId
      AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
$q$),

('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- Gateways for clients: Active silos (@Status = 3) that opened a gateway port.
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$q$),

-- Defunct-silo cleanup, used only when CleanupDefunctSiloEntryKey below is absent. @IAmAliveTime is the
-- cut-off. Dead silos only; rows carrying suspicion votes are left alone because SQL cannot read the votes'
-- times.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status = 6
  AND IAmAliveTime < @IAmAliveTime
  AND StartTime < @IAmAliveTime
  AND coalesce(SuspectTimes, '') = '';
$q$),

-- Optional in 10.4.2 and preferred when present: the provider reads all rows, picks Dead silos whose start,
-- heartbeat and votes are all older than the cut-off, and deletes each one only if the row still holds
-- exactly the values it read, so a row changed meanwhile survives.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND SuspectTimes IS NOT DISTINCT FROM @SuspectTimes;
$q$);

-- ---------------------------------------------------------------------------------------------------------
-- Grain storage. A grain's row is found by its hashes (the index), then confirmed by its full identity:
-- grain id halves N0/N1 (GUID or integer keys; zero for string keys), the key extension or string key, the
-- grain type and the service. Version is the etag: NULL before the first write, then 1, 2, ...
-- Clearing keeps the row with a NULL payload (the version keeps counting) unless the provider is set to
-- DeleteStateOnClear, which uses DeleteStorageKey.
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdExtensionString text        NULL,
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL,
    Version                integer     NULL
);

-- One row per grain: two activations racing to write the first state cannot both insert.
CREATE UNIQUE INDEX UX_OrleansStorage_Grain ON OrleansStorage
    (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

-- Returns the new version, or the expected one unchanged (NULL for a first write) when another writer got
-- there first: Orleans reads an unchanged version as an etag conflict.
CREATE FUNCTION orleans_write_storage(
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_type_hash  integer,
    p_grain_type       text,
    p_grain_key_ext    text,
    p_service_id       text,
    p_expected_version integer,
    p_payload          bytea)
    RETURNS TABLE (NewGrainStateVersion integer)
    LANGUAGE plpgsql
AS $fn$
DECLARE
    written integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO OrleansStorage AS s
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
             ServiceId, PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type, p_grain_key_ext,
             p_service_id, p_payload, now(), 1)
        ON CONFLICT DO NOTHING
        RETURNING s.Version INTO written;
    ELSE
        UPDATE OrleansStorage AS s
        SET PayloadBinary = p_payload, ModifiedOn = now(), Version = s.Version + 1
        WHERE s.GrainIdHash = p_grain_id_hash AND s.GrainTypeHash = p_grain_type_hash
          AND s.GrainIdN0 = p_grain_id_n0 AND s.GrainIdN1 = p_grain_id_n1
          AND s.GrainTypeString = p_grain_type
          AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_grain_key_ext
          AND s.ServiceId = p_service_id
          AND s.Version = p_expected_version
        RETURNING s.Version INTO written;
    END IF;
    RETURN QUERY SELECT coalesce(written, p_expected_version);
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('WriteToStorageKey', $q$
SELECT NewGrainStateVersion
FROM orleans_write_storage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                           @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
$q$),

-- No row: the grain starts from its default state with no etag.
('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND ServiceId = @ServiceId;
$q$),

-- Returns the new version; no row back means the etag did not match.
('ClearStorageKey', $q$
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$q$),

-- DeleteStateOnClear: removes the row. The provider compares the answer with the etag it sent, so it gets
-- "deleted version + 1" back (any value other than the etag means success).
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  AND ServiceId = @ServiceId
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$q$);

-- ---------------------------------------------------------------------------------------------------------
-- Reminders. GrainHash is the grain's uniform hash as a signed int; each silo reads the reminders in its
-- ring range (BeginHash, EndHash]: ReadRangeRows1Key when the range does not wrap around, ReadRangeRows2Key
-- when it does. Period is in milliseconds. Version is the reminder's etag.
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE OrleansRemindersTable
(
    ServiceId    text        NOT NULL,
    GrainId      text        NOT NULL,
    ReminderName text        NOT NULL,
    StartTime    timestamptz NOT NULL,
    Period       bigint      NOT NULL,
    GrainHash    integer     NOT NULL,
    Version      integer     NOT NULL,
    CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IX_RemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Returns the reminder's new version: 0 when created, one more on every update.
('UpsertReminderRowKey', $q$
INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT ON CONSTRAINT PK_RemindersTable_ServiceId_GrainId_ReminderName DO UPDATE
SET StartTime = excluded.StartTime,
    Period = excluded.Period,
    GrainHash = excluded.GrainHash,
    Version = r.Version + 1
RETURNING r.Version;
$q$),

('ReadReminderRowsKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
$q$),

('ReadReminderRowKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
$q$),

('ReadRangeRows1Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
$q$),

('ReadRangeRows2Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$),

-- True only when the reminder still had the version the caller read.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName
      AND Version = @Version
    RETURNING 1
)
SELECT count(*)::integer AS Deleted FROM deleted;
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$q$);
