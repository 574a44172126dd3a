-- The running part of surveys and return visits (issue 14): campaigns, each interview's answers saved question by
-- question, and return-visit verdicts kept per work order for department satisfaction rates. The dialling state (cases,
-- call attempts, line budget) is the campaign grain's; these tables are what the API writes beside it.

CREATE TABLE survey_campaigns (
    id                    bigint      GENERATED ALWAYS AS IDENTITY,
    name                  text        NOT NULL,
    kind                  text        NOT NULL,
    draw_id               bigint      NULL,
    questionnaire_id      text        NULL,
    questionnaire_version integer     NULL,
    -- A return-visit campaign's rule: work orders replied in [visit_from, visit_to) by this department (null: all).
    visit_department      text        NULL,
    visit_from            timestamptz NULL,
    visit_to              timestamptz NULL,
    created_at            timestamptz NOT NULL,
    created_by            text        NOT NULL,
    CONSTRAINT survey_campaigns_pkey PRIMARY KEY (id),
    CONSTRAINT survey_campaigns_kind_known CHECK (kind IN ('survey', 'return_visit')),
    CONSTRAINT survey_campaigns_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT survey_campaigns_draw_fkey FOREIGN KEY (draw_id) REFERENCES survey_draws (id),
    CONSTRAINT survey_campaigns_questionnaire_fkey FOREIGN KEY (questionnaire_id, questionnaire_version)
        REFERENCES survey_questionnaire_versions (questionnaire_id, version),
    CONSTRAINT survey_campaigns_survey_has_draw CHECK (kind <> 'survey' OR (draw_id IS NOT NULL AND questionnaire_id IS NOT NULL))
);

-- One interview per answered call: answers as they are given ({"q1": 1, "q2": "text"}), then the disposition.
CREATE TABLE survey_interviews (
    call_id               text        NOT NULL,
    campaign_id           bigint      NOT NULL,
    case_id               text        NOT NULL,
    job_no                text        NOT NULL,
    stratum               text        NOT NULL,
    ticket_number         text        NULL,
    questionnaire_id      text        NULL,
    questionnaire_version integer     NULL,
    answers               jsonb       NOT NULL DEFAULT '{}',
    disposition           text        NULL,
    started_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    disposed_at           timestamptz NULL,
    CONSTRAINT survey_interviews_pkey PRIMARY KEY (call_id),
    CONSTRAINT survey_interviews_campaign_fkey FOREIGN KEY (campaign_id) REFERENCES survey_campaigns (id) ON DELETE CASCADE
);
CREATE INDEX survey_interviews_campaign_idx ON survey_interviews (campaign_id, disposition);

-- The citizen's verdict at a return visit, per work order and department: what a department's satisfaction rate counts.
CREATE TABLE return_visit_results (
    ticket_number text        NOT NULL,
    campaign_id   bigint      NOT NULL,
    call_id       text        NOT NULL,
    department    text        NULL,
    satisfaction  text        NOT NULL,
    visited_at    timestamptz NOT NULL,
    visited_by    text        NOT NULL,
    -- No order is called about twice once it has answered.
    CONSTRAINT return_visit_results_pkey PRIMARY KEY (ticket_number),
    CONSTRAINT return_visit_results_campaign_fkey FOREIGN KEY (campaign_id) REFERENCES survey_campaigns (id) ON DELETE CASCADE,
    CONSTRAINT return_visit_results_satisfaction_known CHECK (satisfaction IN ('satisfied', 'basically', 'unsatisfied'))
);
CREATE INDEX return_visit_results_department_idx ON return_visit_results (department, visited_at);
