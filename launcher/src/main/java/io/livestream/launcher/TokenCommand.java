package io.livestream.launcher;

import io.livestream.common.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;

/** Mints a JWT signed with LIVE_JWT_SECRET and prints it. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a token, e.g.: token publish --stream NAME [--ttl 24h]; token moderator --stream NAME --subject mod1 --nick Mod")
final class TokenCommand implements Callable<Integer> {

    private static final Set<String> ROLES = Set.of("publish", "viewer", "streamer", "moderator", "admin");
    private static final Set<String> SCOPED = Set.of("publish", "streamer", "moderator");

    @Parameters(index = "0", description = "Role: publish (ingest a stream), viewer, streamer (own room), moderator (one room), admin")
    String role;

    @Option(names = "--stream", description = "The stream the token is for (publish, streamer, moderator)")
    String stream;

    @Option(names = "--nick", description = "Display name in rooms (default: the subject)")
    String nick;

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
        if (!ROLES.contains(role)) {
            System.err.println("token: unknown role '" + role + "' (known: " + String.join(", ", ROLES) + ")");
            return 2;
        }
        if (SCOPED.contains(role) && (stream == null || stream.isBlank())) {
            System.err.println("token: a " + role + " token needs --stream");
            return 2;
        }
        JsonObject claims = new JsonObject().put("role", role).put("nick", nick == null ? subject : nick);
        if (stream != null) {
            claims.put("stream", stream);
        }
        Vertx vertx = Vertx.vertx();
        try {
            System.out.println(new Tokens(vertx, jwtSecret).mint(claims, subject, ttl));
            return 0;
        } finally {
            vertx.close();
        }
    }
}
