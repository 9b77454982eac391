package dev.vlmr1.studio.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.vlmr1.studio.web.ApiProblem;
import dev.vlmr1.studio.web.CurrentUser;

/**
 * Issues, lists, revokes and checks personal API tokens. Only the prefix and the SHA-256 of the secret are
 * stored; every check reads the database, so a revocation or an expiry takes effect on the very next request.
 */
@Service
public class ApiTokens {

	/** Compared against when a prefix is unknown, so that both paths do the same work. */
	private static final String UNKNOWN_PREFIX_HASH = TokenFormat.hash("no-such-token");

	static final int MAX_EXPIRY_DAYS = 3650;

	private final ApiTokenRepository tokens;

	private final UserAccountRepository users;

	ApiTokens(ApiTokenRepository tokens, UserAccountRepository users) {
		this.tokens = tokens;
		this.users = users;
	}

	/**
	 * Creates a token for {@code owner} on behalf of a logged-in session (the account page); the returned secret is
	 * the only copy.
	 */
	@Transactional
	public IssuedToken issue(CurrentUser owner, String name, TokenScope scope, @Nullable Integer expiresInDays) {
		String trimmed = validName(name);
		Instant expiresAt = expiresInDays == null ? null : Instant.now().plus(Duration.ofDays(validDays(expiresInDays)));
		return save(owner, trimmed, scope, expiresAt, null);
	}

	/**
	 * Creates a token with the authority of the token {@code parent} that asks for it (the API): never a wider
	 * scope, never a later expiry (without a requested expiry it inherits the parent's), and it is revoked with the
	 * parent. What the parent could not grant is refused, not silently narrowed.
	 */
	@Transactional
	IssuedToken issueUnder(ApiTokenAuthentication parent, String name, TokenScope scope,
			@Nullable Integer expiresInDays) {
		String trimmed = validName(name);
		ApiToken parentToken = tokens.findById(parent.tokenId())
			.orElseThrow(() -> ApiProblem.forbidden("the token that made this request no longer exists"));
		if (!parentToken.scope().covers(scope)) {
			throw ApiProblem.forbidden("a " + parentToken.scope() + " token cannot create a " + scope + " token")
				.with("field", "scope");
		}
		Instant now = Instant.now();
		Instant parentExpiry = parentToken.expiresAt();
		Instant expiresAt = expiresInDays == null ? parentExpiry : now.plus(Duration.ofDays(validDays(expiresInDays)));
		if (parentExpiry != null && expiresAt != null && expiresAt.isAfter(parentExpiry)) {
			throw ApiProblem.badRequest("token-invalid", "expiresInDays reaches past " + parentExpiry
					+ ", when the token that creates it expires; ask for fewer days or omit expiresInDays to inherit it")
				.with("field", "expiresInDays");
		}
		return save(parent.getPrincipal(), trimmed, scope, expiresAt, parentToken.id());
	}

	private IssuedToken save(CurrentUser owner, String name, TokenScope scope, @Nullable Instant expiresAt,
			@Nullable Long parentId) {
		String prefix = TokenFormat.newPrefix();
		String secret = TokenFormat.newSecret();
		ApiToken token = tokens.save(new ApiToken(owner.id(), name, prefix, TokenFormat.hash(secret), scope,
				expiresAt, parentId));
		return new IssuedToken(token.id(), name, scope, prefix, expiresAt, TokenFormat.format(prefix, secret));
	}

	private static String validName(String name) {
		String trimmed = name.strip();
		if (trimmed.isEmpty() || trimmed.length() > 100) {
			throw ApiProblem.badRequest("token-invalid", "name must be 1 to 100 characters").with("field", "name");
		}
		return trimmed;
	}

	private static int validDays(int expiresInDays) {
		if (expiresInDays < 1 || expiresInDays > MAX_EXPIRY_DAYS) {
			throw ApiProblem.badRequest("token-invalid", "expiresInDays must be between 1 and " + MAX_EXPIRY_DAYS)
				.with("field", "expiresInDays");
		}
		return expiresInDays;
	}

	/** The owner's tokens, newest first, revoked and expired ones included. */
	@Transactional(readOnly = true)
	public List<TokenSummary> list(CurrentUser owner) {
		Instant now = Instant.now();
		return tokens.findByUserIdOrderByCreatedAtDesc(owner.id())
			.stream()
			.map(token -> TokenSummary.of(token, now))
			.toList();
	}

	/**
	 * Revokes one of the owner's tokens and every token it made, directly or not; someone else's token is "not
	 * found", exactly like a missing one.
	 */
	@Transactional
	public void revoke(CurrentUser owner, long tokenId) {
		ApiToken token = tokens.findById(tokenId)
			.filter(found -> found.userId() == owner.id())
			.orElseThrow(() -> ApiProblem.notFound("Token " + tokenId));
		tokens.revokeWithDescendants(token.id(), Instant.now());
	}

	/**
	 * Checks a presented token and records its use. Returns empty for anything that is not an active token:
	 * malformed, unknown prefix, wrong secret, expired, revoked or whose owner is gone.
	 */
	Optional<ApiTokenAuthentication> authenticate(String presented) {
		TokenFormat.Parts parts = TokenFormat.parse(presented);
		if (parts == null) {
			return Optional.empty();
		}
		Optional<ApiToken> found = tokens.findByPrefix(parts.prefix());
		String expectedHash = found.map(ApiToken::secretHash).orElse(UNKNOWN_PREFIX_HASH);
		boolean secretMatches = TokenFormat.sameHash(expectedHash, TokenFormat.hash(parts.secret()));
		Instant now = Instant.now();
		if (found.isEmpty() || !secretMatches || !found.get().isActive(now)) {
			return Optional.empty();
		}
		ApiToken token = found.get();
		// revocation cascades when it happens; checking the ancestry too keeps a child from outliving a parent
		// whatever changed the parent (an expiry, a revocation made directly in the database)
		if (token.parentId() != null && tokens.hasInactiveAncestry(token.id(), now)) {
			return Optional.empty();
		}
		Optional<UserAccount> owner = users.findById(token.userId());
		if (owner.isEmpty()) {
			return Optional.empty();
		}
		tokens.markUsed(token.id(), now);
		return Optional.of(new ApiTokenAuthentication(owner.get().toCurrentUser(), token.id(), token.scope()));
	}

}
