package dev.vlmr1.studio.run;

import org.springframework.http.HttpStatus;

import dev.vlmr1.studio.web.ApiProblem;

/**
 * A worker wrote with a lease token that no longer holds the run (it expired and the run was re-queued or
 * re-claimed, or the run ended). The worker must stop: its attempt is over (a 409 over HTTP).
 */
public class LeaseLostException extends ApiProblem {

	public LeaseLostException(RunId id) {
		super(HttpStatus.CONFLICT, "lease-lost", "Lease lost",
				"run " + id + " is no longer leased to this attempt; stop working on it");
	}

}
