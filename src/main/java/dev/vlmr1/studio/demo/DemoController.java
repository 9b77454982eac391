package dev.vlmr1.studio.demo;

import org.jspecify.annotations.Nullable;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

import dev.vlmr1.studio.catalog.ModelCatalog;
import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * The demo pages: {@code /demo/rec} and {@code /demo/ovd} (a model picker over the user's registered models, an
 * image upload or a sample picture, the expression or labels; the page script posts to the predict endpoints of
 * {@link DemoApiController} and draws the boxes), plus the sample pictures. {@code ?modelId=} preselects a model
 * (the run page's "open in demo").
 */
@Controller
class DemoController {

	private final ModelCatalog catalog;

	private final DemoProperties properties;

	DemoController(ModelCatalog catalog, DemoProperties properties) {
		this.catalog = catalog;
		this.properties = properties;
	}

	@GetMapping("/demo/rec")
	String rec(@AuthenticationPrincipal CurrentUser user, @RequestParam(required = false) @Nullable Long modelId,
			Model model) {
		return page(user, modelId, model, "rec");
	}

	@GetMapping("/demo/ovd")
	String ovd(@AuthenticationPrincipal CurrentUser user, @RequestParam(required = false) @Nullable Long modelId,
			Model model) {
		return page(user, modelId, model, "ovd");
	}

	private String page(CurrentUser user, @Nullable Long modelId, Model model, String task) {
		model.addAttribute("models", catalog.list(user));
		model.addAttribute("selectedModelId", modelId);
		model.addAttribute("samples", SampleScenes.SCENES);
		model.addAttribute("defaultMaxNewTokens", properties.defaultMaxNewTokens());
		model.addAttribute("maxNewTokensLimit", properties.maxNewTokensLimit());
		model.addAttribute("maxImageBytes", properties.maxImageBytes().toBytes());
		return "demo/" + task;
	}

	@GetMapping("/demo/samples/{name}")
	ResponseEntity<byte[]> sample(@PathVariable String name) {
		byte[] png = SampleScenes.png(name);
		if (png == null) {
			throw ApiProblem.notFound("Sample image " + name);
		}
		return ResponseEntity.ok()
			.contentType(MediaType.IMAGE_PNG)
			.cacheControl(CacheControl.maxAge(java.time.Duration.ofHours(1)))
			.body(png);
	}

}
