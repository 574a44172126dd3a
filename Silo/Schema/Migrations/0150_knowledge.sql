-- The knowledge base (知识库): articles agents read and read out (口径), with every version, an append-only history,
-- attachments, a category tree and administrator-maintained synonyms. Articles are rows, not grains: the API's
-- knowledge store (Client.Api/Knowledge/KnowledgeStore.cs) changes one article per transaction holding its row
-- lock (SELECT … FOR UPDATE), so the article, its new version, its history line and the search index are written
-- together or not at all, and there is no second copy (grain state) for the read model to disagree with.

-- The category tree (知识分类). path is the ids from the root, '/social/pension/', so a subtree is a prefix match.
-- A category never moves (its path is copied into the search index); it may be renamed.
CREATE TABLE knowledge_categories
(
    id         text        NOT NULL PRIMARY KEY,
    parent_id  text        NULL REFERENCES knowledge_categories (id),
    name       text        NOT NULL,
    path       text        NOT NULL UNIQUE,
    sort_order integer     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL
);

-- One row per article: its working copy (the latest version, whatever its status) and, in live_version, the
-- version agents see (null when none is published or it was retired). Statuses are Hotline.Names.Of(ArticleStatus).
CREATE TABLE knowledge_articles
(
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    status          text        NOT NULL,
    version         integer     NOT NULL,
    live_version    integer     NULL,
    title           text        NOT NULL,
    category_id     text        NOT NULL REFERENCES knowledge_categories (id),
    departments     text[]      NOT NULL DEFAULT '{}',
    tags            text[]      NOT NULL DEFAULT '{}',
    valid_from      timestamptz NULL,
    valid_until     timestamptz NULL,
    -- The reason of the last return (退回意见), shown to the editor until the next submission.
    review_note     text        NULL,
    -- The working copy's words, for editors searching drafts; agents search knowledge_search.
    search          tsvector    NOT NULL,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_by      text        NOT NULL,
    updated_at      timestamptz NOT NULL,
    -- Agents' feedback, counted here for lists and reports; each mark is also a knowledge_feedback row.
    used_count      integer     NOT NULL DEFAULT 0,
    helpful_count   integer     NOT NULL DEFAULT 0,
    unhelpful_count integer     NOT NULL DEFAULT 0
);

CREATE INDEX knowledge_articles_search_idx ON knowledge_articles USING gin (search);
CREATE INDEX knowledge_articles_status_idx ON knowledge_articles (status, updated_at DESC);

-- Every version ever saved, immutable. attachments lists the version's attachments' metadata
-- ([{id, name, mediaType, size, reference}]); their content is stored once in knowledge_attachments.
CREATE TABLE knowledge_versions
(
    article_id  bigint      NOT NULL REFERENCES knowledge_articles (id),
    version     integer     NOT NULL,
    title       text        NOT NULL,
    category_id text        NOT NULL,
    answer      text        NOT NULL,
    body        text        NOT NULL,
    departments text[]      NOT NULL,
    tags        text[]      NOT NULL,
    valid_from  timestamptz NULL,
    valid_until timestamptz NULL,
    attachments jsonb       NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE knowledge_attachments
(
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint      NOT NULL REFERENCES knowledge_articles (id),
    name       text        NOT NULL,
    media_type text        NOT NULL,
    size       integer     NOT NULL,
    content    bytea       NULL,
    reference  text        NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    CHECK ((content IS NULL) <> (reference IS NULL))
);

CREATE INDEX knowledge_attachments_article_idx ON knowledge_attachments (article_id);

-- Who did what to an article, when: append-only (the trigger below refuses UPDATE and DELETE).
CREATE TABLE knowledge_history
(
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  bigint      NOT NULL REFERENCES knowledge_articles (id),
    at          timestamptz NOT NULL,
    actor       text        NOT NULL,
    action      text        NOT NULL,
    from_status text        NULL,
    to_status   text        NOT NULL,
    version     integer     NOT NULL,
    note        text        NULL
);

CREATE INDEX knowledge_history_article_idx ON knowledge_history (article_id, id);

CREATE FUNCTION knowledge_history_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'knowledge_history is append-only';
END
$$;

CREATE TRIGGER knowledge_history_append_only
    BEFORE UPDATE OR DELETE ON knowledge_history
    FOR EACH ROW EXECUTE FUNCTION knowledge_history_append_only();

-- What agents search: one row per article with a live version, holding that version's searchable fields. The
-- store rewrites the row when a version is published and deletes it when the article is retired, in the same
-- transaction. Every API process queries this one table, so all see the same published articles at once.
-- search: title words weight A, answer B, tags and the body's first KnowledgeStore.IndexedBodyChars characters C.
CREATE TABLE knowledge_search
(
    article_id    bigint      NOT NULL PRIMARY KEY REFERENCES knowledge_articles (id),
    version       integer     NOT NULL,
    title         text        NOT NULL,
    answer        text        NOT NULL,
    excerpt       text        NOT NULL,
    category_id   text        NOT NULL,
    category_path text        NOT NULL,
    departments   text[]      NOT NULL,
    tags          text[]      NOT NULL,
    valid_from    timestamptz NULL,
    valid_until   timestamptz NULL,
    published_at  timestamptz NOT NULL,
    search        tsvector    NOT NULL
);

CREATE INDEX knowledge_search_search_idx ON knowledge_search USING gin (search);
CREATE INDEX knowledge_search_path_idx ON knowledge_search (category_path text_pattern_ops);
CREATE INDEX knowledge_search_departments_idx ON knowledge_search USING gin (departments);

-- Synonym groups (同义词组) administrators maintain; applied to queries, not to the index.
CREATE TABLE knowledge_synonyms
(
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    terms      text[]      NOT NULL,
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL
);

-- An agent's mark on an article (用过/有帮助/没帮助), optionally for the order it served.
CREATE TABLE knowledge_feedback
(
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id    bigint      NOT NULL REFERENCES knowledge_articles (id),
    at            timestamptz NOT NULL,
    job_no        text        NOT NULL,
    used          boolean     NOT NULL,
    helpful       boolean     NULL,
    ticket_number text        NULL
);

CREATE INDEX knowledge_feedback_at_idx ON knowledge_feedback (at, article_id);
