package io.hubbub.server.auth;

import io.hubbub.core.auth.Accounts;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.protocol.HubbubException;

/** The server's {@link AccountService} and token verifier as the core's {@link Accounts} port for features. */
public final class AccountsPort implements Accounts {
    private final AccountService accounts;
    private final TokenVerifier tokens;

    public AccountsPort(AccountService accounts, TokenVerifier tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    @Override
    public Account create(String username, String password, Role role) {
        if (role == null || role == Role.SERVICE || role == Role.GUEST) throw HubbubException.badRequest("an account is a user or an admin");
        return view(accounts.createAccount(username, password, null, role));
    }

    @Override
    public String signIn(String username, String password) {
        return accounts.signIn(username, password).token().token();
    }

    @Override
    public Principal verify(String token) {
        return tokens.verify(token);
    }

    private static Account view(io.hubbub.server.auth.Account a) {
        return new Account(a.id(), a.username(), a.displayName(), a.role());
    }
}
