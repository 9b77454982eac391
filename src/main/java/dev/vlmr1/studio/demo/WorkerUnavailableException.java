package dev.vlmr1.studio.demo;

/** The inference worker could not answer: it crashed, failed to start, or the request timed out (503). */
class WorkerUnavailableException extends RuntimeException {

	WorkerUnavailableException(String message) {
		super(message);
	}

	WorkerUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
