package dev.vlmr1.studio.demo;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The demo's servlet filter: the inference endpoints' body limit, ahead of Spring Security like the upload limit. */
@Configuration(proxyBeanMethods = false)
class DemoConfiguration {

	@Bean
	FilterRegistrationBean<InferenceBodyLimitFilter> inferenceBodyLimitFilter(DemoProperties properties,
			JsonMapper json) {
		var registration = new FilterRegistrationBean<>(
				new InferenceBodyLimitFilter(properties.maxRequestBytes().toBytes(), json));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
		registration.addUrlPatterns(InferenceBodyLimitFilter.PATHS);
		return registration;
	}

}
