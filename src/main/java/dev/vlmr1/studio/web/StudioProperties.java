package dev.vlmr1.studio.web;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Platform-wide settings.
 *
 * @param dataDir where the embedded database, the artifact store (images, checkpoints) and generated
 * secrets live
 * @param embeddedPostgresPort port of the embedded PostgreSQL; 0 picks a free one
 */
@ConfigurationProperties("studio")
public record StudioProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("0") int embeddedPostgresPort) {

	/** The artifact store root: content-addressed images, checkpoints and run artifacts. */
	public Path artifactsDir() {
		return dataDir.resolve("artifacts");
	}

}
