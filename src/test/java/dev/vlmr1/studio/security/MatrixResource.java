package dev.vlmr1.studio.security;

/**
 * What an endpoint's {@code {id}} names, hence what {@link MatrixWorld} seeds for each user. A finished run is a
 * cancelled one (its event stream ends at once instead of idling to the timeout).
 */
enum MatrixResource {

	NONE, MODEL, REWARD_CONFIG, RUN, FINISHED_RUN, TOKEN

}
