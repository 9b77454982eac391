package dev.vlmr1.studio.security;

/** What a user may do: admins see and manage everything, users their own resources. */
public enum Role {

	ADMIN, USER

}
