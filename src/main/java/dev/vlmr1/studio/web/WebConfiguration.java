package dev.vlmr1.studio.web;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Servlet-level web settings shared by every module. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

	/** Control characters in path variables and parameters, and non-ASCII application headers, are a 400. */
	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(new TextInputInterceptor());
	}

	/** Runs before Spring Security (order -100) so an oversized body is refused before anything reads it. */
	@Bean
	FilterRegistrationBean<UploadLimitFilter> uploadLimitFilter(MultipartProperties multipart, JsonMapper json) {
		var registration = new FilterRegistrationBean<>(new UploadLimitFilter(multipart.getMaxRequestSize(), json));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		registration.addUrlPatterns("/*");
		return registration;
	}

	/** What Spring Security's firewall answers: 400 (a problem under {@code /api}), not its default exception. */
	@Bean
	RejectedRequestProblems rejectedRequestProblems(JsonMapper json) {
		return new RejectedRequestProblems(json);
	}

}
