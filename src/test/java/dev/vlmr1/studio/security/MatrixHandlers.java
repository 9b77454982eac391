package dev.vlmr1.studio.security;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

/** The handlers Spring MVC maps, as matrix keys, and the matrix entries that apply to them. */
final class MatrixHandlers {

	private MatrixHandlers() {
	}

	/** "METHOD pattern" of every handler mapping; a handler without a method condition is "ALL". */
	static Set<String> mappedKeys(RequestMappingHandlerMapping mappings) {
		Set<String> keys = new TreeSet<>();
		for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
			if (info.getPathPatternsCondition() == null) {
				throw new IllegalStateException("a handler mapped without path patterns: " + info);
			}
			Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
			for (PathPattern pattern : info.getPathPatternsCondition().getPatterns()) {
				if (methods.isEmpty()) {
					keys.add("ALL " + pattern.getPatternString());
				}
				methods.forEach(m -> keys.add(m.name() + " " + pattern.getPatternString()));
			}
		}
		return keys;
	}

	/** The entries whose handler is mapped (a pending entry's branch may not be merged yet). */
	static List<MatrixEntry> activeEntries(RequestMappingHandlerMapping mappings) {
		Set<String> mapped = mappedKeys(mappings);
		return AuthorizationMatrix.ENTRIES.stream().filter(e -> mapped.contains(e.key())).toList();
	}

}
