package dev.vlmr1.studio.model.safetensors;

/** A safetensors file that is truncated, malformed or lacks the tensor asked for. */
public class SafetensorsException extends RuntimeException {

	public SafetensorsException(String message) {
		super(message);
	}

	public SafetensorsException(String message, Throwable cause) {
		super(message, cause);
	}

}
