-- Spring Modulith's event publication registry (JPA), owned by Flyway like every other table.
CREATE TABLE event_publication (
    id                     UUID         NOT NULL PRIMARY KEY,
    listener_id            VARCHAR(512) NOT NULL,
    event_type             VARCHAR(512) NOT NULL,
    serialized_event       TEXT         NOT NULL,
    publication_date       TIMESTAMPTZ  NOT NULL,
    completion_date        TIMESTAMPTZ,
    last_resubmission_date TIMESTAMPTZ,
    completion_attempts    INTEGER      NOT NULL DEFAULT 0,
    status                 VARCHAR(32)
);
CREATE INDEX event_publication_serialized_event_hash_idx ON event_publication USING hash (serialized_event);
CREATE INDEX event_publication_by_completion_date_idx ON event_publication (completion_date);

CREATE TABLE event_publication_archive (
    id                     UUID         NOT NULL PRIMARY KEY,
    listener_id            VARCHAR(512) NOT NULL,
    event_type             VARCHAR(512) NOT NULL,
    serialized_event       TEXT         NOT NULL,
    publication_date       TIMESTAMPTZ  NOT NULL,
    completion_date        TIMESTAMPTZ,
    last_resubmission_date TIMESTAMPTZ,
    completion_attempts    INTEGER      NOT NULL DEFAULT 0,
    status                 VARCHAR(32)
);
