package dev.vlmr1.studio.security;

import org.jspecify.annotations.Nullable;

/**
 * One row of {@link AuthorizationMatrix}: a handler mapping and what an authorized call to it looks like. Built
 * fluently once, then only read.
 */
final class MatrixEntry {

	/** How callers authenticate: bearer token ({@code /api}), session (pages) or not at all. */
	enum Surface {

		API, PAGE, OPEN

	}

	/** Who besides the owner may act: admins too (the default), the owner only, or administrators only. */
	enum Reach {

		ADMINS_TOO, OWNER_ONLY, ADMIN_ONLY

	}

	private final Surface surface;

	private final String method;

	private final String pattern;

	private MatrixResource resource = MatrixResource.NONE;

	private Reach reach = Reach.ADMINS_TOO;

	private int success = 200;

	private boolean consumes;

	private @Nullable String json;

	private @Nullable String form;

	private String query = "";

	private @Nullable MatrixResource listed;

	private @Nullable String listedIds;

	private @Nullable String path;

	private boolean upload;

	private @Nullable String pendingBranch;

	MatrixEntry(Surface surface, String key) {
		this.surface = surface;
		String[] parts = key.split(" ", 2);
		this.method = parts[0];
		this.pattern = parts[1];
	}

	/** The path's {@code {id}} names a resource of this kind. */
	MatrixEntry on(MatrixResource resource) {
		this.resource = resource;
		return this;
	}

	/** The status of an authorized call. */
	MatrixEntry succeeds(int status) {
		this.success = status;
		return this;
	}

	/** An authorized call uses the resource up (deletes, cancels, revokes): each one gets a fresh resource. */
	MatrixEntry consumes() {
		this.consumes = true;
		return this;
	}

	MatrixEntry ownerOnly() {
		this.reach = Reach.OWNER_ONLY;
		return this;
	}

	MatrixEntry adminOnly() {
		this.reach = Reach.ADMIN_ONLY;
		return this;
	}

	/** A JSON body template. */
	MatrixEntry json(String template) {
		this.json = template;
		return this;
	}

	/** A multipart dataset upload body: one REC line and its PNG ({@code name=ds-…}, a numeric {@code upload_id}). */
	MatrixEntry upload() {
		this.upload = true;
		return this;
	}

	/** A form body template ({@code a=b&c=d}, values unencoded). */
	MatrixEntry form(String template) {
		this.form = template;
		return this;
	}

	/**
	 * The request path when the pattern has variables besides {@code {id}}: a template with {@code {id}} and the
	 * body placeholders (e.g. {@code /api/datasets/{id}/images/${image}}).
	 */
	MatrixEntry at(String path) {
		this.path = path;
		return this;
	}

	/**
	 * The handler comes with a branch not merged yet: until it is, the entry may name no handler (and is not
	 * called); once merged it is checked like any other.
	 */
	MatrixEntry pending(String branch) {
		this.pendingBranch = branch;
		return this;
	}

	/** The query string (may hold {@code {id}}, e.g. {@code runs={id}}). */
	MatrixEntry query(String query) {
		this.query = query;
		return this;
	}

	/**
	 * A list endpoint of {@code resource}: {@code ids} is the JsonPath of the listed ids (API) or the name of the
	 * model attribute holding the listed objects (pages).
	 */
	MatrixEntry lists(MatrixResource resource, String ids) {
		this.listed = resource;
		this.listedIds = ids;
		return this;
	}

	String key() {
		return method + " " + pattern;
	}

	Surface surface() {
		return surface;
	}

	String method() {
		return method;
	}

	String pattern() {
		return pattern;
	}

	/** The path to call, before {@code {id}} and the placeholders are filled. */
	String pathTemplate() {
		return path != null ? path : pattern;
	}

	@Nullable String pendingBranch() {
		return pendingBranch;
	}

	MatrixResource resource() {
		return resource;
	}

	Reach reach() {
		return reach;
	}

	int success() {
		return success;
	}

	boolean usesUp() {
		return consumes;
	}

	/** Whether the call changes something: a READ token may not make it. */
	boolean writes() {
		return !method.equals("GET") && !method.equals("HEAD");
	}

	boolean isUpload() {
		return upload;
	}

	@Nullable String jsonTemplate() {
		return json;
	}

	@Nullable String formTemplate() {
		return form;
	}

	String queryString() {
		return query;
	}

	@Nullable MatrixResource listed() {
		return listed;
	}

	@Nullable String listedIds() {
		return listedIds;
	}

	/** Whether the body names the caller's other resources (so a foreign one must look missing). */
	boolean references() {
		String body = json != null ? json : form != null ? form : "";
		return body.contains("${model}") || body.contains("${dataset}") || body.contains("${rewardConfig}");
	}

	@Override
	public String toString() {
		return key();
	}

}
