-- Datasets are immutable once stored: a changed upload under the same name is a new version (row).
CREATE TABLE datasets (
    id             BIGSERIAL PRIMARY KEY,
    owner_id       BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           VARCHAR(200) NOT NULL,
    version        INT          NOT NULL,
    content_sha256 CHAR(64)     NOT NULL,
    mode           VARCHAR(20)  NOT NULL CHECK (mode IN ('strict', 'skip_invalid')),
    sample_count   INT          NOT NULL,
    invalid_lines  INT          NOT NULL,
    image_count    INT          NOT NULL,
    jsonl_bytes    BIGINT       NOT NULL,
    image_bytes    BIGINT       NOT NULL,
    task_counts    JSONB        NOT NULL,
    -- the validation report: [{file, line, field, code, message}], capped (report_truncated counts the rest)
    report         JSONB        NOT NULL,
    report_truncated INT        NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name, version),
    -- re-uploading identical content under the same name returns the stored dataset
    UNIQUE (owner_id, name, content_sha256)
);
CREATE INDEX datasets_owner_idx ON datasets (owner_id, id);

CREATE TABLE dataset_files (
    id           BIGSERIAL PRIMARY KEY,
    dataset_id   BIGINT       NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    position     INT          NOT NULL,
    name         VARCHAR(300) NOT NULL,
    sha256       CHAR(64)     NOT NULL,
    size_bytes   BIGINT       NOT NULL,
    line_count   INT          NOT NULL,
    sample_count INT          NOT NULL,
    image_source VARCHAR(10)  NOT NULL CHECK (image_source IN ('none', 'files', 'archive', 'folder')),
    UNIQUE (dataset_id, position)
);

-- Content-addressed images: the file lives at <artifacts>/images/<sha[0:2]>/<sha[2:]>.
CREATE TABLE images (
    sha256     CHAR(64)    PRIMARY KEY,
    width      INT         NOT NULL CHECK (width > 0),
    height     INT         NOT NULL CHECK (height > 0),
    format     VARCHAR(10) NOT NULL,
    size_bytes BIGINT      NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE dataset_images (
    dataset_id BIGINT   NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    sha256     CHAR(64) NOT NULL REFERENCES images (sha256),
    PRIMARY KEY (dataset_id, sha256)
);
CREATE INDEX dataset_images_sha_idx ON dataset_images (sha256);

CREATE TABLE samples (
    id                 BIGSERIAL PRIMARY KEY,
    dataset_id         BIGINT      NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    file_id            BIGINT      NOT NULL REFERENCES dataset_files (id) ON DELETE CASCADE,
    line               INT         NOT NULL CHECK (line > 0),
    sample_key         TEXT,
    question           TEXT        NOT NULL,
    solution           TEXT        NOT NULL,
    task_type          VARCHAR(10) NOT NULL CHECK (task_type IN ('rec', 'ovd', 'counting', 'other')),
    accu_reward_method VARCHAR(40),
    -- [{"path": "images/a.png", "sha256": "…", "width": 640, "height": 480}] in marker order
    images             JSONB       NOT NULL,
    extra              JSONB       NOT NULL,
    CONSTRAINT samples_dataset_file_line_key UNIQUE (dataset_id, file_id, line)
);
CREATE INDEX samples_dataset_task_idx ON samples (dataset_id, task_type, id);

-- A run (or anything else) that uses a dataset registers here; the FK keeps such datasets from being deleted.
CREATE TABLE dataset_usages (
    dataset_id BIGINT       NOT NULL REFERENCES datasets (id) ON DELETE RESTRICT,
    usage_ref  VARCHAR(100) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset_id, usage_ref)
);
