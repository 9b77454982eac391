package dev.vlmr1.studio.reward;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RewardRegistryTests {

	private final RewardRegistry registry = RewardRegistry.standard();

	@Test
	void listsEveryFunctionOfRewardsMd() {
		assertThat(registry.functions()).extracting(RewardFunctionSpec::name)
			.containsExactly("format", "format_rec", "format_ovd", "iou", "iou_threshold", "od_ap", "od_ap50",
					"od_length", "od_weighted", "map", "exact", "numeric", "math", "choice", "yes_no", "fuzzy", "length_cosine",
					"repetition");
		assertThat(registry.functions()).allSatisfy((f) -> assertThat(f.description()).isNotBlank());
	}

	@Test
	void iouParametersAreTypedWithDefaults() {
		RewardFunctionSpec iou = registry.find("iou").orElseThrow();
		ParamSpec variant = iou.param("variant").orElseThrow();
		assertThat(variant.type()).isEqualTo(ParamType.ENUM);
		assertThat(variant.defaultValue()).isEqualTo("vlmr1");
		assertThat(variant.allowedValues()).containsExactly("vlmr1", "standard");
		assertThat(iou.param("rescale").orElseThrow().defaultValue()).isEqualTo(true);
		assertThat(registry.find("od_ap").orElseThrow().param("rescale").orElseThrow().defaultValue())
			.isEqualTo(false);
		ParamSpec threshold = registry.find("iou_threshold").orElseThrow().param("threshold").orElseThrow();
		assertThat(threshold.type()).isEqualTo(ParamType.NUMBER);
		assertThat(threshold.min()).isEqualTo(0.0);
		assertThat(threshold.max()).isEqualTo(1.0);
	}

	@Test
	void validConfigurationHasNoViolations() {
		var terms = List.of(new RewardTerm("iou", 2.0, Map.of("variant", "standard", "rescale", false)),
				new RewardTerm("length_cosine", 0.5, Map.of("max_length", 512, "accuracy", "iou")));
		assertThat(registry.validate(terms)).isEmpty();
	}

	@Test
	void reportsEveryViolationAtOnce() {
		var terms = List.of(new RewardTerm("iuo", 1.0, Map.of()),
				new RewardTerm("iou", Double.NaN, Map.of("variant", "fancy", "rescal", true)),
				new RewardTerm("iou_threshold", 1.0, Map.of("threshold", 1.5)),
				new RewardTerm("repetition", 1.0, Map.of("ngram", 2.5)),
				new RewardTerm("iou", 1.0, Map.of("rescale", "yes")));
		List<ConfigViolation> v = registry.validate(terms);
		assertThat(v).extracting(ConfigViolation::index, ConfigViolation::field)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(0, "function"),
					org.assertj.core.groups.Tuple.tuple(1, "weight"),
					org.assertj.core.groups.Tuple.tuple(1, "params.rescal"),
					org.assertj.core.groups.Tuple.tuple(1, "params.variant"),
					org.assertj.core.groups.Tuple.tuple(2, "params.threshold"),
					org.assertj.core.groups.Tuple.tuple(3, "params.ngram"),
					org.assertj.core.groups.Tuple.tuple(4, "function"),
					org.assertj.core.groups.Tuple.tuple(4, "params.rescale"));
		assertThat(v.get(0).message()).startsWith("unknown function \"iuo\"").contains("iou, iou_threshold");
		assertThat(v.get(1).message()).isEqualTo("must be a finite number, got NaN");
		assertThat(v.get(2).message()).isEqualTo("unknown parameter of iou; known: variant, rescale");
		assertThat(v.get(3).message()).isEqualTo("must be one of [vlmr1, standard], got \"fancy\"");
		assertThat(v.get(4).message()).isEqualTo("must be in [0, 1], got 1.5");
		assertThat(v.get(5).message()).isEqualTo("must be an int, got number 2.5");
		assertThat(v.get(6).message()).contains("already appears at [1]");
		assertThat(v.get(7).message()).isEqualTo("must be a boolean, got string \"yes\"");
	}

	@Test
	void weightsAreBoundedSoATotalIsNeverInfinite() {
		// issue 11: two finite weights of 1e308 summed to an Infinity total
		var terms = List.of(new RewardTerm("format", 1e308, Map.of()), new RewardTerm("iou", -1e308, Map.of()),
				new RewardTerm("exact", 1000, Map.of()), new RewardTerm("fuzzy", -1000, Map.of()));
		assertThat(registry.validate(terms)).extracting(ConfigViolation::index, ConfigViolation::field, ConfigViolation::message)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(0, "weight", "must be in [-1000, 1000], got 1.0E308"),
					org.assertj.core.groups.Tuple.tuple(1, "weight", "must be in [-1000, 1000], got -1.0E308"));
		assertThatThrownBy(() -> RewardConfigParser.parseAndValidate("[{\"function\": \"format\", \"weight\": 1e400}]",
				registry)).isInstanceOf(InvalidRewardConfigException.class);
	}

	@Test
	void everyNumericParameterIsBoundedOnBothSides() {
		for (RewardFunctionSpec f : registry.functions()) {
			for (ParamSpec p : f.params()) {
				if (p.type() == ParamType.INT || p.type() == ParamType.NUMBER) {
					assertThat(p.min()).as(f.name() + "." + p.name()).isNotNull().isFinite();
					assertThat(p.max()).as(f.name() + "." + p.name()).isNotNull().isFinite();
				}
			}
		}
	}

	@Test
	void specsSerialiseForTheUi() {
		var json = new com.fasterxml.jackson.databind.ObjectMapper()
			.valueToTree(registry.find("length_cosine").orElseThrow());
		assertThat(json.get("kind").asText()).isEqualTo("shaping");
		assertThat(json.at("/params/2/name").asText()).isEqualTo("max_length");
		assertThat(json.at("/params/2/type").asText()).isEqualTo("int");
		assertThat(json.at("/params/2/defaultValue").asInt()).isEqualTo(1024);
		assertThat(json.at("/params/0/allowedValues/0").asText()).isEqualTo("sample");
	}

	@Test
	void emptyConfigurationIsAViolation() {
		assertThat(registry.validate(List.of()))
			.containsExactly(new ConfigViolation(-1, "", "at least one reward function is required"));
	}

	@Test
	void caseTypoGetsAHint() {
		assertThat(registry.validate(List.of(RewardTerm.of("IoU"))).get(0).message())
			.contains("did you mean \"iou\"?");
	}

	@Test
	void integralDoubleIsAcceptedAsInt() {
		assertThat(registry.validate(List.of(new RewardTerm("repetition", 1, Map.of("ngram", 3.0))))).isEmpty();
		assertThat(registry.validate(List.of(new RewardTerm("repetition", 1, Map.of("ngram", 0)))))
			.extracting(ConfigViolation::message)
			.containsExactly("must be in [1, 100], got 0");
	}

	@Test
	void mapsVlmr1AccuracyMethods() {
		assertThat(registry.accuracyFunctionFor("mcq")).contains("choice");
		assertThat(registry.accuracyFunctionFor("odLength")).contains("od_length");
		assertThat(registry.accuracyFunctionFor("all_match")).contains("exact");
		// VLM-R1's weighted_sum is detection_score (od_weighted); map and math are functions of their own
		assertThat(registry.accuracyFunctionFor("weighted_sum")).contains("od_weighted");
		assertThat(registry.accuracyFunctionFor("map")).contains("map");
		assertThat(registry.accuracyFunctionFor("math")).contains("math");
		assertThat(registry.accuracyFunctionFor("iou")).contains("iou");
		assertThat(registry.accuracyFunctionFor("format")).isEmpty();
		assertThat(registry.accuracyFunctionFor("llm")).isEmpty();
		assertThat(registry.accuracyFunctionFor(null)).isEmpty();
		assertThat(registry.knownAccuracyMethods()).contains("numeric", "mcq", "odLength", "weighted_sum", "map", "math")
			.doesNotContain("llm");
	}

	@Test
	void presetsAreValid() {
		assertThat(RewardPresets.all()).containsOnlyKeys("rec", "ovd", "counting");
		RewardPresets.all().values().forEach((terms) -> assertThat(registry.validate(terms)).isEmpty());
		assertThat(RewardPresets.get("rec").orElseThrow()).extracting(RewardTerm::function)
			.containsExactly("iou", "format_rec");
		assertThat(RewardPresets.get("nope")).isEmpty();
	}

	@Test
	void parsesJsonWithDefaults() {
		var terms = RewardConfigParser.parseAndValidate("""
				[{"function": "iou", "params": {"variant": "standard"}},
				 {"function": "format_rec", "weight": 0.5}]""", registry);
		assertThat(terms).containsExactly(new RewardTerm("iou", 1.0, Map.of("variant", "standard")),
				new RewardTerm("format_rec", 0.5, Map.of()));
	}

	@Test
	void parseReportsStructuralErrorsTogether() {
		assertThatThrownBy(() -> RewardConfigParser.parse("""
				[{"function": "iou", "wieght": 1}, 3, {"weight": "x", "params": {"a": [1]}}]"""))
			.isInstanceOfSatisfying(InvalidRewardConfigException.class, (ex) -> assertThat(ex.violations())
				.containsExactly(new ConfigViolation(0, "wieght", "unknown field; allowed: function, weight, params"),
						new ConfigViolation(1, "", "must be an object, got number"),
						new ConfigViolation(2, "function", "is required and must be a non-empty string"),
						new ConfigViolation(2, "weight", "must be a number, got \"x\""),
						new ConfigViolation(2, "params.a", "must be a number, boolean or string, got array")));
	}

	@Test
	void parseRejectsMalformedJsonWithPosition() {
		assertThatThrownBy(() -> RewardConfigParser.parse("[{\"function\": \"iou\",}"))
			.isInstanceOf(InvalidRewardConfigException.class)
			.hasMessageContaining("not valid JSON at line 1");
		assertThatThrownBy(() -> RewardConfigParser.parse("{\"function\": \"iou\"}"))
			.hasMessageContaining("must be a JSON array");
		assertThatThrownBy(() -> RewardConfigParser.parse(""))
			.hasMessageContaining("must be a JSON array");
	}

	@Test
	void parseAndValidateCombinesRegistryViolations() {
		assertThatThrownBy(() -> RewardConfigParser.parseAndValidate("[{\"function\": \"od_ap\", \"params\": "
				+ "{\"rescale\": 1}}]", registry))
			.isInstanceOfSatisfying(InvalidRewardConfigException.class,
					(ex) -> assertThat(ex.violations()).containsExactly(
							new ConfigViolation(0, "params.rescale", "must be a boolean, got number 1")));
	}

}
