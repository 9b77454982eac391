-- A bounded sample of each GRPO step's rollouts, for the run page's gallery (GRPO.md "Metrics per step").
-- Rows of a lost attempt after its resume checkpoint are archived with the metrics, never deleted.
CREATE TABLE run_rollouts (
    id              BIGSERIAL PRIMARY KEY,
    run_id          BIGINT           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step            INT              NOT NULL CHECK (step >= 0),
    attempt         INT              NOT NULL,
    idx             INT              NOT NULL CHECK (idx >= 0),
    prompt          TEXT             NOT NULL,
    -- ["<sha256 of a dataset image>" | "<path relative to the artifact store>"] in marker order
    images          JSONB            NOT NULL,
    completion      TEXT             NOT NULL,
    -- {"<reward function>": score}
    rewards         JSONB            NOT NULL,
    reward          DOUBLE PRECISION NOT NULL,
    advantage       DOUBLE PRECISION NOT NULL,
    -- [{"box": [x1, y1, x2, y2], "label": "…"}] in the original image's pixels
    predicted_boxes JSONB            NOT NULL,
    truth_boxes     JSONB            NOT NULL,
    archived        BOOLEAN          NOT NULL DEFAULT false,
    recorded_at     TIMESTAMPTZ      NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX run_rollouts_live_uq ON run_rollouts (run_id, step, idx) WHERE NOT archived;

-- recordRollouts announces a step's sample on the event stream
ALTER TABLE run_events DROP CONSTRAINT run_events_type_check;
ALTER TABLE run_events ADD CONSTRAINT run_events_type_check
    CHECK (type IN ('STATE', 'METRICS', 'LOG', 'CHECKPOINT', 'ROLLOUTS'));

-- the catalog model a complete checkpoint was registered as (no FK: the models table is the catalog's)
ALTER TABLE checkpoints ADD COLUMN model_id BIGINT;
