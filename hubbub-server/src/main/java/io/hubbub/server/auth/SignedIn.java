package io.hubbub.server.auth;

/** The answer to a sign-up or sign-in: a token for the account, and the account. */
public record SignedIn(IssuedToken token, Account account) {}
