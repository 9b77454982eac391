package dev.vlmr1.studio.executor;

/**
 * Thrown by a {@link TrainingJob} that knows why it failed, so the failure is classified without guessing
 * from the message (a NaN loss, a corrupt image, an invalid configuration).
 */
public class TrainingFailure extends RuntimeException {

	private final FailureKind kind;

	public TrainingFailure(FailureKind kind, String message) {
		super(message);
		this.kind = kind;
	}

	public FailureKind kind() {
		return kind;
	}

}
