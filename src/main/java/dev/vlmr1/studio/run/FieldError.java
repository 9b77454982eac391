package dev.vlmr1.studio.run;

/**
 * One problem in a run request.
 *
 * @param field the JSON path of the offending value ({@code modelId}, {@code hyperparameters.beta}, …)
 * @param message what is wrong, for a person to read
 */
public record FieldError(String field, String message) {

}
