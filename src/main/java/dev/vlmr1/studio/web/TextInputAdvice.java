package dev.vlmr1.studio.web;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Applies {@link TextInput}'s rule to every string of a JSON request body, wherever it sits (map keys and values,
 * list items, record components), before any controller sees it. JSON can carry {@code \u0000} escaped, so the
 * servlet container and Spring Security's firewall, which look at raw parameters and headers, never see it.
 */
@ControllerAdvice
class TextInputAdvice extends RequestBodyAdviceAdapter {

	@Override
	public boolean supports(MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter, Type targetType,
			Class<? extends HttpMessageConverter<?>> converterType) {
		check("", body);
		return body;
	}

	private static void check(String path, @Nullable Object value) {
		if (value instanceof CharSequence text) {
			TextInput.require(path.isEmpty() ? "body" : path, text);
		}
		else if (value instanceof Map<?, ?> map) {
			for (var entry : map.entrySet()) {
				String key = String.valueOf(entry.getKey());
				TextInput.require(join(path, "(field name)"), key);
				check(join(path, key), entry.getValue());
			}
		}
		else if (value instanceof Collection<?> items) {
			int i = 0;
			for (Object item : items) {
				check(path + "[" + i++ + "]", item);
			}
		}
		else if (value instanceof Object[] items) {
			for (int i = 0; i < items.length; i++) {
				check(path + "[" + i + "]", items[i]);
			}
		}
		else if (value instanceof Record record) {
			for (RecordComponent component : record.getClass().getRecordComponents()) {
				check(join(path, component.getName()), read(record, component));
			}
		}
	}

	private static @Nullable Object read(Record record, RecordComponent component) {
		try {
			var accessor = component.getAccessor();
			accessor.setAccessible(true);
			return accessor.invoke(record);
		}
		catch (IllegalAccessException | InvocationTargetException | RuntimeException ex) {
			throw new IllegalStateException("cannot read " + component + " of a request body", ex);
		}
	}

	private static String join(String path, String name) {
		return path.isEmpty() ? name : path + "." + name;
	}

}
