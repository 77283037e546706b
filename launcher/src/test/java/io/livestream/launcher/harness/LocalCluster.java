package io.livestream.launcher.harness;

import io.livestream.common.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A cluster of role processes from the built jar on 127.0.0.1 for one test class: a cluster name,
 * Hazelcast port and JWT secret of its own, so that no class joins another's cluster; tokens
 * signed with that secret; a gateway's listing of the streams. Closes what it started, the last
 * started first, and its Vert.x.
 */
public final class LocalCluster implements AutoCloseable {
    private final String name;
    private final Map<String, String> env = new HashMap<>();
    private final Vertx vertx = Vertx.vertx();
    private final Tokens tokens;
    private final List<RoleProcess> started = new ArrayList<>();

    /** @param settings environment variables every role gets besides the cluster's own, as name, value pairs */
    public LocalCluster(String name, String... settings) {
        this.name = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        String secret = this.name + "-secret-0123456789abcdefghijklmnop";
        env.put("LIVE_CLUSTER_NAME", this.name);
        env.put("LIVE_CLUSTER_PORT", String.valueOf(6701 + ThreadLocalRandom.current().nextInt(400) * 10));
        env.put("LIVE_JWT_SECRET", secret);
        env.put("LIVE_HOST", "127.0.0.1");
        env.putAll(pairs(settings));
        this.tokens = new Tokens(vertx, secret);
    }

    /** The Vert.x the test's clients may share; closed with the cluster. */
    public Vertx vertx() {
        return vertx;
    }

    /** Every role's environment, plus {@code more} (name, value pairs). */
    public Map<String, String> env(String... more) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(pairs(more));
        return all;
    }

    /** Starts {@code role} with the cluster's environment plus {@code env} and {@code args}; not yet healthy. */
    public RoleProcess start(String role, Map<String, String> env, String... args) throws IOException {
        RoleProcess p = RoleProcess.start(role, env, args);
        started.add(p);
        return p;
    }

    public RoleProcess start(String role, String... args) throws IOException {
        return start(role, env(), args);
    }

    /** {@code role} serving HTTP on {@code httpPort}, known before it starts. */
    public RoleProcess startOnPort(String role, int httpPort, String... args) throws IOException {
        RoleProcess p = RoleProcess.startOnPort(role, httpPort, env(), args);
        started.add(p);
        return p;
    }

    /** An ingest role whose RTMP port is {@code rtmpPort}. */
    public RoleProcess startIngest(int rtmpPort, String... args) throws IOException {
        return start("ingest", env("LIVE_RTMP_PORT", String.valueOf(rtmpPort)), args);
    }

    /** A token with {@code role} for {@code stream}, valid for an hour. */
    public String token(String role, String stream) {
        return tokens.mint(role, stream, name, Duration.ofHours(1));
    }

    /** A token with {@code claims} (role, stream, nick, ...) for {@code subject}, valid for an hour. */
    public String token(JsonObject claims, String subject) {
        return tokens.mint(claims, subject, Duration.ofHours(1));
    }

    /** Where ffmpeg publishes {@code stream} to the ingest at {@code rtmpPort}, with a publish token and {@code extraQuery}. */
    public String publishUrl(int rtmpPort, String stream, String extraQuery) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/live/" + stream + "?token=" + token("publish", stream) + extraQuery;
    }

    /** {@code stream} as {@code gateway}'s {@code /api/streams} lists it, or null. */
    public static JsonObject listed(RoleProcess gateway, String stream) {
        return gateway.get("/api/streams").map(r -> new JsonObject(r.body()).getJsonArray("streams").stream()
                .map(o -> (JsonObject) o).filter(s -> stream.equals(s.getString("name"))).findFirst().orElse(null)).orElse(null);
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        vertx.close().await();
    }

    private static Map<String, String> pairs(String... nameValue) {
        if (nameValue.length % 2 != 0) {
            throw new IllegalArgumentException("name, value pairs expected");
        }
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            map.put(nameValue[i], nameValue[i + 1]);
        }
        return map;
    }
}
