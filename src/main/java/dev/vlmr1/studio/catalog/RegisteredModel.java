package dev.vlmr1.studio.catalog;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/** A row of {@code models}: a validated checkpoint directory. */
@Entity
@Table(name = "models")
class RegisteredModel {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(name = "owner_id", nullable = false)
	private long ownerId;

	@Column(nullable = false, length = 200)
	private String name;

	@Column(nullable = false, length = 4096)
	private String path;

	@Column(name = "model_type", nullable = false, length = 20)
	private String modelType;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	@Column(name = "source_run_id")
	private @Nullable Long sourceRunId;

	protected RegisteredModel() {
		this.name = "";
		this.path = "";
		this.modelType = "";
		this.createdAt = Instant.EPOCH;
	}

	RegisteredModel(long ownerId, String name, String path, String modelType, @Nullable Long sourceRunId) {
		this.ownerId = ownerId;
		this.name = name;
		this.path = path;
		this.modelType = modelType;
		this.createdAt = Instant.now();
		this.sourceRunId = sourceRunId;
	}

	long ownerId() {
		return ownerId;
	}

	CatalogModel toCatalogModel() {
		if (id == null) {
			throw new IllegalStateException("model not saved yet");
		}
		return new CatalogModel(id, ownerId, name, path, modelType, createdAt, sourceRunId);
	}

}
