package dev.vlmr1.studio.security;

/**
 * What an endpoint's {@code {id}} names, hence what {@link MatrixWorld} seeds for each user. A finished run is a
 * cancelled one (its event stream ends at once instead of idling to the timeout); an upload is the numeric
 * {@code upload_id} a dataset upload reported its progress under.
 */
enum MatrixResource {

	NONE, MODEL, REWARD_CONFIG, RUN, FINISHED_RUN, TOKEN, DATASET, UPLOAD, EXPERIMENT

}
