package dev.vlmr1.studio.security;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;

import org.springframework.test.web.servlet.MvcResult;

/** Reads matrix responses: ids out of list answers, and bodies with the ids blanked out for comparison. */
final class MatrixBodies {

	private MatrixBodies() {
	}

	/**
	 * The body with each given id (as a whole number) replaced by {@code {id}}. Compare two bodies normalized with
	 * the same ids: an unrelated number equal to one of them is then blanked in both.
	 */
	static String normalize(String body, long... ids) {
		String normalized = body;
		for (long id : ids) {
			normalized = normalized.replaceAll("\\b" + id + "\\b", "{id}");
		}
		return normalized;
	}

	/**
	 * The ids a list answer shows: read with the JsonPath {@code ids} from a JSON body, or, for a page, from
	 * the {@code id} of every object in the model attribute named {@code ids}.
	 */
	static List<Long> listedIds(MvcResult result, String ids) throws Exception {
		List<Long> found = new ArrayList<>();
		if (ids.startsWith("$")) {
			List<Object> values = JsonPath.read(result.getResponse().getContentAsString(), ids);
			values.forEach(v -> found.add(((Number) v).longValue()));
			return found;
		}
		Map<String, Object> model = result.getModelAndView() == null ? Map.of() : result.getModelAndView().getModel();
		if (!(model.get(ids) instanceof Collection<?> objects)) {
			throw new IllegalStateException("model attribute '" + ids + "' is not a list: " + model.keySet());
		}
		for (Object object : objects) {
			found.add(idOf(object));
		}
		return found;
	}

	/** {@code object.id()}, unwrapping an id record such as {@code RunId(long value)}. */
	private static long idOf(Object object) throws Exception {
		Method accessor = object.getClass().getDeclaredMethod("id");
		accessor.setAccessible(true);
		Object id = accessor.invoke(object);
		if (id instanceof Number number) {
			return number.longValue();
		}
		Method value = id.getClass().getDeclaredMethod("value");
		value.setAccessible(true);
		return ((Number) value.invoke(id)).longValue();
	}

}
