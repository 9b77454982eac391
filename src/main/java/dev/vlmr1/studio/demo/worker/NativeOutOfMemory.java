package dev.vlmr1.studio.demo.worker;

import java.util.Locale;

/**
 * Recognises libtorch's allocation failures among DJL's engine exceptions. They carry only the allocator's text
 * ({@code DefaultCPUAllocator: can't allocate memory: you tried to allocate … bytes}, or CUDA's {@code out of
 * memory}), so the message is all there is to go by.
 */
final class NativeOutOfMemory {

	private NativeOutOfMemory() {
	}

	static boolean is(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
			if (message.contains("can't allocate memory") || message.contains("out of memory")
					|| message.contains("not enough memory") || message.contains("std::bad_alloc")) {
				return true;
			}
		}
		return false;
	}

}
