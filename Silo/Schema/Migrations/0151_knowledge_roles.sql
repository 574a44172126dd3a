-- The knowledge base's roles (Client.Api/Auth/Roles.cs): knowledge editors (知识编辑) draft and submit articles,
-- reviewers (知识审核) return, publish and retire them. The list of known roles grows by these two.
ALTER TABLE users DROP CONSTRAINT users_roles_known;
ALTER TABLE users ADD CONSTRAINT users_roles_known CHECK (
    roles <@ ARRAY['agent', 'supervisor', 'dispatcher', 'department', 'admin', 'auditor', 'integration', 'survey_lead',
                   'knowledge_editor', 'knowledge_reviewer']::text[]);
