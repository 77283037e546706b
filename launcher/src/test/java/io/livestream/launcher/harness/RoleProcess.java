package io.livestream.launcher.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** One role of the platform started from the built jar as its own JVM, as an operator would. */
public final class RoleProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String role;
    private final List<String> jvmFlags;
    private static final Random RANDOM = new Random();
    private final int httpPort;
    private final Map<String, String> env;
    private final List<String> args;
    private final Path log;
    private Process process;

    private RoleProcess(String role, List<String> jvmFlags, int httpPort, Map<String, String> env, List<String> args) throws IOException {
        this.role = role;
        this.jvmFlags = jvmFlags;
        this.httpPort = httpPort;
        this.env = env;
        this.args = args;
        this.log = Files.createTempFile("role-" + role + "-", ".log");
    }

    /** Starts {@code java -jar livestream.jar ROLE ARGS} with LIVE_HTTP_PORT and the given environment. */
    public static RoleProcess start(String role, Map<String, String> env, String... args) throws IOException {
        return start(role, List.of(), env, args);
    }

    /** As {@link #start(String, Map, String...)}, with JVM flags after the defaults (a later {@code -Xmx} wins). */
    public static RoleProcess start(String role, List<String> jvmFlags, Map<String, String> env, String... args) throws IOException {
        RoleProcess p = new RoleProcess(role, List.copyOf(jvmFlags), freePort(), env, List.of(args));
        p.start();
        return p;
    }

    /** As {@link #start(String, Map, String...)} on a given HTTP port (to hand a role its own URL, e.g. {@code --public-url}). */
    public static RoleProcess startOnPort(String role, int httpPort, Map<String, String> env, String... args) throws IOException {
        RoleProcess p = new RoleProcess(role, List.of(), httpPort, env, List.of(args));
        p.start();
        return p;
    }

    public void start() throws IOException {
        String jar = System.getProperty("livestream.jar", "launcher/target/livestream.jar");
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx384m", "-XX:+UseSerialGC"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-jar", jar, role));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        pb.environment().put("LIVE_HTTP_PORT", String.valueOf(httpPort));
        process = pb.start();
    }

    public int httpPort() {
        return httpPort;
    }

    /** The process id, for JDK tools ({@code jcmd}). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A variable of the environment this process was started with. */
    public String env(String name) {
        return env.get(name);
    }

    public String httpUrl(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** Waits until {@code /health} answers 200: the node has joined the cluster and serves. */
    public RoleProcess awaitHealthy(Duration timeout) {
        Await.until(role + " healthy (log: " + log + ")", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError(role + " exited: " + output());
            }
            return get("/health").map(r -> r.statusCode() == 200).orElse(false);
        });
        return this;
    }

    public java.util.Optional<HttpResponse<String>> get(String path) {
        try {
            return java.util.Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(path))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The sum of a Prometheus metric of this process over the series carrying every given label. */
    public double metric(String name, String... labels) {
        return get("/metrics").map(r -> PrometheusText.sum(r.body(), name, labels)).orElse(0.0);
    }

    /** SIGKILL: the node vanishes without leaving the cluster. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /**
     * A port nothing listens on, chosen below the kernel's ephemeral range: a port the kernel
     * handed out (bind to 0) may be given again to an outgoing connection of any process before
     * the role binds it, which is how a role once failed with "Address already in use".
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + RANDOM.nextInt(12_000);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress("0.0.0.0", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new AssertionError("no free port in 20000-31999");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill9();
            }
        }
    }
}
