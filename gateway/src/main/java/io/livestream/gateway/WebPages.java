package io.livestream.gateway;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The H5 pages built by {@code web-client}, served from the classpath ({@code webroot/}):
 * {@code /} the directory, {@code /watch/<stream>} the watch page, {@code /studio} the studio.
 * Pages are revalidated on every load; the hashed files under {@code /assets/} are cached for a year.
 */
final class WebPages {
    private static final String WATCH = "/watch/[A-Za-z0-9_\\-]{1,64}/?";

    private WebPages() {
    }

    static void mount(Router router) {
        StaticHandler pages = StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html");
        router.get("/").handler(pages);
        router.get("/index.html").handler(pages);
        router.routeWithRegex(HttpMethod.GET, WATCH).handler(ctx -> ctx.reroute("/watch.html"));
        router.get("/watch.html").handler(pages);
        router.get("/studio").handler(ctx -> ctx.reroute("/studio.html"));
        router.get("/studio.html").handler(pages);
        router.get("/favicon.svg").handler(pages);
        router.get("/assets/*").handler(StaticHandler.create("webroot").setMaxAgeSeconds(365L * 24 * 3600));
    }
}
