package dev.vlmr1.studio.train;

import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

import dev.vlmr1.studio.model.DeviceCheck;
import dev.vlmr1.studio.model.ModelInputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device debug check (on in every test: the build sets {@value DeviceCheck#PROPERTY}) on the only device the
 * build has: a real GRPO step on the CPU passes it while it looks at every parameter, gradient and activation, and
 * the same tensors checked against a GPU fail it, naming the first parameter or activation that is elsewhere.
 */
class DeviceCheckTests {

	@Test
	void theBuildRunsEveryForwardAndBackwardUnderTheCheck() {
		assertThat(DeviceCheck.enabled()).as(DeviceCheck.PROPERTY + " in the surefire configuration").isTrue();
	}

	@Test
	void aRealGrpoStepOnTheCpuPassesTheCheckWhichLooksAtParametersGradientsAndActivations() {
		try (Policy policy = Policy.load(TrainFixtures.TINY, Device.cpu());
				Policy ref = Policy.load(TrainFixtures.GRPO.resolve("ref_model"), Device.cpu());
				NDManager scope = policy.manager().newSubManager();
				AdamW adamW = new AdamW(policy.manager(), AdamWTests.FIXTURE)) {
			GrpoBatch batch = fixtureBatch(scope);
			// the check runs inside: after each forward (policy and reference) and after the backward
			GrpoStep.Result result = GrpoStep.run(policy, ref, null, batch, new GrpoLoss(LossType.GRPO, 0.04, 0.2, 0.2, 33),
					1.0, new GrpoStep.Optimization(adamW, 1e-3, 1.0, false), scope);
			assertThat(result.gradNorm()).isPositive();

			int parameters = policy.parameters().size();
			DeviceCheck step = policy.checkDevices(scope, Device.cpu());
			// every parameter, its gradient, and the step's activations, losses and gradient copies on the scope
			assertThat(step.checked()).isGreaterThan(2 * parameters + result.grads().size());
			DeviceCheck run = policy.checkDevices(policy.manager(), Device.cpu());
			// the policy's manager holds the optimizer's moments as well: two per trainable parameter
			assertThat(run.checked()).isGreaterThanOrEqualTo(2 * parameters + 2 * adamW.firstMoments().size());
		}
	}

	@Test
	void tensorsOnTheCpuFailACheckExpectingAGpuNamingTheFirstParameter() {
		try (Policy policy = Policy.load(TrainFixtures.TINY, Device.cpu());
				NDManager scope = policy.manager().newSubManager()) {
			String first = policy.parameters().keySet().iterator().next();
			assertThat(first).startsWith("visual.");
			assertThatThrownBy(() -> policy.checkDevices(scope, Device.gpu(0)))
				.isInstanceOf(DeviceCheck.MisplacedTensorException.class)
				.hasMessage(first + " is on cpu(), the run's device is gpu(0)");
		}
	}

	@Test
	void anActivationOffTheRunsDeviceIsNamedByItsPlaceAndShape() {
		try (Policy policy = Policy.load(TrainFixtures.TINY, Device.cpu());
				NDManager scope = policy.manager().newSubManager()) {
			GrpoBatch batch = fixtureBatch(scope);
			ModelInputs inputs = batch.modelInputs();
			var output = policy.forward(inputs);
			// the parameters pass against the CPU; then the forward's own tensors against a GPU
			assertThat(DeviceCheck.expecting(Device.cpu()).parameters(policy.parameters()).checked())
				.isEqualTo(policy.parameters().size());
			assertThatThrownBy(() -> DeviceCheck.expecting(Device.gpu(0)).activations("forward", scope))
				.isInstanceOf(DeviceCheck.MisplacedTensorException.class)
				.hasMessageStartingWith("forward activation #0 (")
				.hasMessageEndingWith(" is on cpu(), the run's device is gpu(0)");
			assertThatThrownBy(() -> policy.checkForward(inputs, output, Device.gpu(0)))
				.hasMessage("input_ids is on cpu(), the run's device is gpu(0)");
		}
	}

	@Test
	void aSingleArrayIsCheckedByItsName() {
		try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
			NDArray x = manager.create(new float[] { 1, 2 });
			assertThat(DeviceCheck.expecting(Device.cpu()).array("x", x).checked()).isEqualTo(1);
			assertThatThrownBy(() -> DeviceCheck.expecting(Device.gpu(1)).array("x", x))
				.hasMessage("x is on cpu(), the run's device is gpu(1)");
		}
	}

	private static GrpoBatch fixtureBatch(NDManager scope) {
		Map<String, NDArray> in = TrainFixtures.floats(scope, TrainFixtures.GRPO.resolve("inputs.safetensors"));
		return new GrpoBatch(in.get("input_ids"), in.get("attention_mask"), in.get("pixel_values"),
				GrpoStepTests.grid(in.get("image_grid_thw")), in.get("completion_mask"), in.get("advantages"));
	}

}
