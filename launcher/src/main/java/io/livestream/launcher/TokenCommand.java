package io.livestream.launcher;

import io.livestream.common.auth.Tokens;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Mints a JWT signed with LIVE_JWT_SECRET and prints it. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a token, e.g.: token publish --stream NAME [--ttl 24h]")
final class TokenCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "Role: publish")
    String role;

    @Option(names = "--stream", required = true, description = "The stream the token is for")
    String stream;

    @Option(names = "--ttl", defaultValue = "24h", converter = Durations.class, description = "Lifetime (default ${DEFAULT-VALUE})")
    Duration ttl;

    @Option(names = "--subject", defaultValue = "cli", description = "The token's subject (sub claim; default ${DEFAULT-VALUE})")
    String subject;

    @Option(names = "--jwt-secret", defaultValue = "${env:LIVE_JWT_SECRET}", description = "HS256 secret (env LIVE_JWT_SECRET)")
    String jwtSecret;

    @Override
    public Integer call() {
        if (jwtSecret == null || jwtSecret.isBlank()) {
            System.err.println("token: set LIVE_JWT_SECRET (or --jwt-secret) to the secret the platform runs with");
            return 2;
        }
        if (!Tokens.ROLE_PUBLISH.equals(role)) {
            System.err.println("token: unknown role '" + role + "' (known: publish)");
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        try {
            System.out.println(new Tokens(vertx, jwtSecret).mint(role, stream, subject, ttl));
            return 0;
        } finally {
            vertx.close();
        }
    }
}
