package dev.vlmr1.studio.model;

/** A checkpoint directory or file that cannot be loaded: missing, malformed, or with a wrong tensor shape. */
public class CheckpointException extends RuntimeException {

	public CheckpointException(String message) {
		super(message);
	}

	public CheckpointException(String message, Throwable cause) {
		super(message, cause);
	}

}
