package dev.vlmr1.studio.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import dev.vlmr1.studio.web.StudioProperties;
import dev.vlmr1.studio.web.TestUsers;
import dev.vlmr1.studio.web.TestUsers.TestUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The first admin, created on first start, and the admin-only user API. */
@SpringBootTest
@AutoConfigureMockMvc
class UserApiIntegrationTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@Autowired
	StudioProperties studio;

	@Test
	void theFirstAdminHasAGeneratedPasswordInAnOwnerOnlyFile() throws Exception {
		assumeTrue(System.getenv("STUDIO_ADMIN_PASSWORD") == null, "STUDIO_ADMIN_PASSWORD is set: nothing is generated");
		Path file = studio.dataDir().resolve(AdminBootstrap.PASSWORD_FILE);
		assertThat(file).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		String password = Files.readString(file).strip();
		assertThat(password).hasSize(24);
		mvc.perform(post("/login").param("username", "admin").param("password", password).with(csrf()))
			.andExpect(redirectedUrl("/"));
	}

	@Test
	void anAdminCreatesUsersAndOthersMayNot() throws Exception {
		TestUsers users = new TestUsers(context);
		TestUser admin = users.createAdmin("root");
		TestUser alice = users.create("alice");
		String name = "carol-" + System.nanoTime();

		createUser(admin, "{\"username\":\"" + name + "\",\"password\":\"correct horse battery\"}")
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.username").value(name))
			.andExpect(jsonPath("$.admin").value(false))
			.andExpect(jsonPath("$.password").doesNotExist());
		mvc.perform(post("/login").param("username", name).param("password", "correct horse battery").with(csrf()))
			.andExpect(redirectedUrl("/"));

		createUser(admin, "{\"username\":\"" + name + "\",\"password\":\"correct horse battery\"}")
			.andExpect(status().isConflict());
		createUser(alice, "{\"username\":\"mallory-x\",\"password\":\"correct horse battery\"}")
			.andExpect(status().isForbidden());
		mvc.perform(get("/api/users").with(alice.api())).andExpect(status().isForbidden());
		mvc.perform(get("/api/users").with(admin.api()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[?(@.username == '" + name + "')].role").value("USER"))
			.andExpect(jsonPath("$[0].passwordHash").doesNotExist());
	}

	@Test
	void badUsersNameTheField() throws Exception {
		TestUser admin = new TestUsers(context).createAdmin("root");
		createUser(admin, "{\"username\":\"x\",\"password\":\"correct horse battery\"}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("username"));
		createUser(admin, "{\"username\":\"../etc\",\"password\":\"correct horse battery\"}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("username"));
		createUser(admin, "{\"username\":\"dave-1\",\"password\":\"short\"}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("password"));
		createUser(admin, "{\"username\":\"dave-2\",\"password\":\"password1234\"}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("password"));
		createUser(admin, "{\"username\":\"dave-3\"}").andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("password"));
	}

	private ResultActions createUser(TestUser as, String json) throws Exception {
		return mvc.perform(post("/api/users").with(as.api()).contentType(MediaType.APPLICATION_JSON).content(json));
	}

}
