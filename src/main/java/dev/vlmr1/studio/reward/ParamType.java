package dev.vlmr1.studio.reward;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** The JSON type of a reward function parameter. */
public enum ParamType {

	INT, NUMBER, STRING, BOOLEAN, ENUM;

	/** The lower-case name used in JSON and in the UI ({@code int}, {@code number}, …). */
	@JsonValue
	public String jsonName() {
		return name().toLowerCase(Locale.ROOT);
	}

	@Override
	public String toString() {
		return jsonName();
	}

}
