-- Per-sample results of an evaluation (an eval run, or a periodic evaluation during training at `step`), kept so
-- the run page can show each prediction beside its ground truth. Like metrics, rows a lost attempt wrote after
-- its resume checkpoint are archived, never deleted; a repeated report of a step replaces that step's rows.
CREATE TABLE run_eval_results (
    id              BIGSERIAL PRIMARY KEY,
    run_id          BIGINT           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    attempt         INT              NOT NULL,
    step            INT              NOT NULL CHECK (step >= 0),
    idx             INT              NOT NULL CHECK (idx >= 0),
    -- the sample's key, or "<dataset>:<sample row>" when it has none
    sample_id       TEXT             NOT NULL,
    task_type       VARCHAR(10)      NOT NULL,
    prediction      TEXT             NOT NULL,
    -- the sample's first image: its sha256 in the content-addressed store (null without one)
    image           CHAR(64),
    -- [{"box": [x1, y1, x2, y2], "label": "…"}] in the original image's pixels
    predicted_boxes JSONB            NOT NULL,
    truth_boxes     JSONB            NOT NULL,
    -- REC: IoU with the ground truth; null for tasks without one
    iou             DOUBLE PRECISION,
    correct         BOOLEAN          NOT NULL,
    archived        BOOLEAN          NOT NULL DEFAULT false,
    recorded_at     TIMESTAMPTZ      NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX run_eval_results_live_uq ON run_eval_results (run_id, step, idx) WHERE NOT archived;

-- the reward-hacking alarm of a periodic evaluation is an event of its own
ALTER TABLE run_events DROP CONSTRAINT run_events_type_check;
ALTER TABLE run_events ADD CONSTRAINT run_events_type_check
    CHECK (type IN ('STATE', 'METRICS', 'LOG', 'CHECKPOINT', 'ROLLOUTS', 'ALARM'));
