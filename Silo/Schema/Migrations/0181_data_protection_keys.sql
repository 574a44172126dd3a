-- ASP.NET Core data-protection keys of the API processes (issue 18): antiforgery tokens and the UI's protected
-- state must verify on every API process and after a restart, so the key ring lives here, not in each process.
CREATE TABLE data_protection_keys
(
    friendly_name text        NOT NULL,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT data_protection_keys_pkey PRIMARY KEY (friendly_name)
);
