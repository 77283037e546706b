package io.livestream.launcher.cluster;

import io.livestream.launcher.ProcessRuntime;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.spi.cluster.hazelcast.ClusterHealthCheck;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs one clustered role: joins the cluster, deploys the role's verticles, and stays up until
 * the process is asked to stop, then leaves the cluster cleanly.
 */
public final class RoleRunner {
    private static final System.Logger LOG = System.getLogger(RoleRunner.class.getName());

    /** What a role's verticles get: the clustered Vert.x, its meters, its health checks, a node id. */
    public record Node(Vertx vertx, PrometheusMeterRegistry prometheus, HealthChecks checks, String nodeId) {
    }

    private RoleRunner() {
    }

    public static int run(String role, ClusterOptions cluster, Function<Node, List<Deployable>> verticles) throws InterruptedException {
        Vertx vertx = Clustering.start(cluster).await();
        PrometheusMeterRegistry prometheus = ProcessRuntime.meterRegistry();
        // Ready only once this node is a settled member of the cluster.
        HealthChecks checks = HealthChecks.create(vertx).register("cluster", ClusterHealthCheck.createProcedure(vertx));
        Node node = new Node(vertx, prometheus, checks, role + "-" + UUID.randomUUID().toString().substring(0, 8));
        Future<?> deployed = Future.succeededFuture();
        for (Deployable v : verticles.apply(node)) {
            deployed = deployed.compose(x -> vertx.deployVerticle(v));
        }
        try {
            deployed.await();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, role + " failed to start", e);
            vertx.close().await();
            return 1;
        }
        LOG.log(System.Logger.Level.INFO, "{0} {1} is up in cluster {2}", role, node.nodeId(), cluster.name);
        ProcessRuntime.runUntilShutdown(vertx::close);
        return 0;
    }
}
