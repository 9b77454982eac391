package dev.vlmr1.studio.security;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The first administrator, created when the users table has no admin.
 *
 * @param username its login name
 * @param password its password, usually from the environment variable {@code STUDIO_ADMIN_PASSWORD}; when
 * absent one is generated, logged once and written to {@code <studio.data-dir>/admin-password.txt}
 * (not allowed with the {@code prod} profile)
 */
@ConfigurationProperties("studio.admin")
record AdminProperties(@DefaultValue("admin") String username, @Nullable String password) {
}
