package dev.vlmr1.studio.security;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * T4.7 over real HTTP (Tomcat on a random port), where cookies exist: the session cookie's flags, a new session id
 * after login, a dead session after logout; plus the 413 of an oversized upload answered from its headers while
 * the client has sent no body at all.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SessionCookieIntegrationTests {

	private static final Pattern SESSION = Pattern.compile("JSESSIONID=([^;]+)");

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

	@Test
	void sessionCookieFlagsIdRotationAndLogout() throws Exception {
		TestUser alice = new TestUsers(context).create("alice");

		HttpResponse<String> loginPage = send(get("/login"));
		String anonymousCookie = sessionCookie(loginPage);
		assertThat(anonymousCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
		String anonymousId = match(SESSION, anonymousCookie);

		HttpResponse<String> login = send(form("/login", anonymousId, "username", alice.user().username(), "password",
				alice.password(), "_csrf", match(CSRF, loginPage.body())));
		assertThat(login.statusCode()).isEqualTo(302);
		assertThat(login.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/"));
		String sessionCookie = sessionCookie(login);
		assertThat(sessionCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
		String sessionId = match(SESSION, sessionCookie);
		assertThat(sessionId).isNotEqualTo(anonymousId);

		HttpResponse<String> home = send(get("/").header("Cookie", "JSESSIONID=" + sessionId));
		assertThat(home.statusCode()).isEqualTo(200);
		assertThat(home.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
		// the same cookie is worth nothing to the API
		assertThat(send(get("/api/users/me").header("Cookie", "JSESSIONID=" + sessionId)).statusCode()).isEqualTo(401);

		HttpResponse<String> logout = send(form("/logout", sessionId, "_csrf", match(CSRF, home.body())));
		assertThat(logout.statusCode()).isEqualTo(302);
		assertThat(logout.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?logout"));

		HttpResponse<String> afterLogout = send(get("/").header("Cookie", "JSESSIONID=" + sessionId));
		assertThat(afterLogout.statusCode()).isEqualTo(302);
		assertThat(afterLogout.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
	}

	@Test
	void anOversizedUploadIsRefusedBeforeItsBodyIsSent() throws Exception {
		TestUser alice = new TestUsers(context).create("alice");
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			// headers only: a server that waited for the 5 GB body would time out here
			out.write(("POST /api/datasets HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + alice.bearer()
					+ "\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: "
					+ 5L * 1024 * 1024 * 1024 + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			assertThat(in.readLine()).startsWith("HTTP/1.1 413");
			// read the headers and the announced body (the server may keep the socket open while it drains ours)
			List<String> headers = new ArrayList<>();
			for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
				headers.add(line.toLowerCase(Locale.ROOT));
			}
			assertThat(headers).anyMatch(line -> line.startsWith("content-type: application/problem+json"));
			int length = headers.stream()
				.filter(line -> line.startsWith("content-length:"))
				.mapToInt(line -> Integer.parseInt(line.substring(15).strip()))
				.findFirst()
				.orElseThrow();
			char[] body = new char[length];
			int read = 0;
			while (read < length) {
				read += in.read(body, read, length - read);
			}
			assertThat(new String(body)).contains("\"status\":413");
		}
	}

	@Test
	void aMalformedMultipartBodyIsA400Problem() throws Exception {
		TestUser alice = new TestUsers(context).create("alice");
		HttpResponse<String> response = send(get("/api/datasets").header("Authorization", alice.bearer())
			.header("Content-Type", "multipart/form-data; boundary=xyz")
			.POST(HttpRequest.BodyPublishers.ofString("--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\ntruncated")));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("multipart-invalid");
	}

	@Test
	void anOversizedAuthorizationHeaderIsAClientErrorNotA500() throws Exception {
		int status = send(get("/api/users/me").header("Authorization", "Bearer " + "x".repeat(9000))).statusCode();
		assertThat(status).isBetween(400, 431);
	}

	private HttpRequest.Builder get(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
	}

	private HttpRequest.Builder form(String path, String sessionId, String... fields) {
		var body = new StringBuilder();
		for (int i = 0; i < fields.length; i += 2) {
			body.append(i == 0 ? "" : "&")
				.append(fields[i])
				.append('=')
				.append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
		}
		return get(path).header("Cookie", "JSESSIONID=" + sessionId)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body.toString()));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String sessionCookie(HttpResponse<?> response) {
		return response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter(c -> c.startsWith("JSESSIONID="))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no session cookie in " + response.headers().map()));
	}

	private static String match(Pattern pattern, String text) {
		Matcher matcher = pattern.matcher(text);
		assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
		return matcher.group(1);
	}

}
