package dev.vlmr1.studio.security;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The login page; Spring Security processes its POST and the logout. */
@Controller
class LoginController {

	@GetMapping("/login")
	String login() {
		return "login";
	}

}
