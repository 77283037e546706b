package io.livestream.launcher;

import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;

/** Mints a JWT signed with LIVE_JWT_PRIVATE_KEY (RS256/ES256) or else LIVE_JWT_SECRET (HS256), and prints it. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a token, e.g.: token publish --stream NAME [--ttl 24h] [--private]; token play --stream NAME;"
                + " token moderator --stream NAME --subject mod1 --nick Mod")
final class TokenCommand implements Callable<Integer> {

    private static final Set<String> ROLES = Set.of("publish", "play", "viewer", "streamer", "moderator", "admin");
    private static final Set<String> SCOPED = Set.of("publish", "play", "streamer", "moderator");

    @Parameters(index = "0", description = "Role: publish (ingest a stream), play (watch a private stream and talk in its room:"
            + " a viewer token for that stream), viewer, streamer (own room), moderator (one room), admin")
    String role;

    @Option(names = "--stream", description = "The stream the token is for (publish, play, streamer, moderator)")
    String stream;

    @Option(names = "--private", description = "publish: the stream plays only with a play token for it")
    boolean privateStream;

    @Option(names = "--nick", description = "Display name in rooms (default: the subject)")
    String nick;

    @Option(names = "--ttl", defaultValue = "24h", converter = Durations.class, description = "Lifetime (default ${DEFAULT-VALUE})")
    Duration ttl;

    @Option(names = "--subject", defaultValue = "cli", description = "The token's subject (sub claim; default ${DEFAULT-VALUE})")
    String subject;

    @Option(names = "--jwt-secret", defaultValue = "${env:LIVE_JWT_SECRET}", description = "HS256 secret (env LIVE_JWT_SECRET)")
    String jwtSecret;

    @Option(names = "--jwt-private-key", defaultValue = "${env:LIVE_JWT_PRIVATE_KEY:-}",
            description = "PEM private key (PKCS#8; RSA signs RS256, EC P-256 ES256), used instead of the secret (env LIVE_JWT_PRIVATE_KEY)")
    String jwtPrivateKey;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JwtKeys keys = JwtOptions.load(jwtSecret, null, jwtPrivateKey);
        if (!keys.canSign()) {
            System.err.println("token: set LIVE_JWT_SECRET (or --jwt-secret) to the secret the platform runs with,"
                    + " or LIVE_JWT_PRIVATE_KEY (or --jwt-private-key) to the private key of its LIVE_JWT_PUBLIC_KEY");
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
        if (privateStream && !"publish".equals(role)) {
            System.err.println("token: --private goes with a publish token");
            return 2;
        }
        JsonObject claims = new JsonObject().put("role", "play".equals(role) ? "viewer" : role).put("nick", nick == null ? subject : nick);
        if (privateStream) {
            claims.put(PlayAccess.PRIVATE_CLAIM, true);
        }
        if (stream != null) {
            claims.put("stream", stream);
        }
        Vertx vertx = Vertx.vertx();
        try {
            spec.commandLine().getOut().println(new Tokens(vertx, keys).mint(claims, subject, ttl));
            return 0;
        } finally {
            vertx.close();
        }
    }
}
