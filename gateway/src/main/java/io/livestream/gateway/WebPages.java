package io.livestream.gateway;

import io.livestream.common.StreamNames;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The H5 pages built by {@code web-client}, served from the classpath ({@code webroot/}):
 * {@code /} the directory, {@code /watch/<stream>} the watch page, {@code /studio} the studio.
 * Pages are revalidated on every load; the content-hashed files under {@code /assets/} are
 * cached for a year.
 */
final class WebPages {
    private static final String ROOT = "webroot/";
    private static final String WATCH = "/watch/" + StreamNames.REGEX + "/?";

    private WebPages() {
    }

    static void mount(Router router) {
        router.get("/").handler(ctx -> page(ctx, "index.html"));
        router.get("/index.html").handler(ctx -> page(ctx, "index.html"));
        router.routeWithRegex(HttpMethod.GET, WATCH).handler(ctx -> page(ctx, "watch.html"));
        router.get("/studio").handler(ctx -> page(ctx, "studio.html"));
        router.get("/favicon.svg").handler(ctx -> send(ctx, "favicon.svg", "image/svg+xml", "max-age=86400"));
        // a wildcard route: the handler resolves what follows /assets/ under webroot/assets
        router.get("/assets/*").handler(StaticHandler.create(ROOT + "assets").setMaxAgeSeconds(365L * 24 * 3600));
    }

    private static void page(RoutingContext ctx, String file) {
        send(ctx, file, "text/html; charset=utf-8", "no-cache");
    }

    private static void send(RoutingContext ctx, String file, String type, String cacheControl) {
        ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", cacheControl)
                .sendFile(ROOT + file)
                .onFailure(e -> {
                    if (!ctx.response().headWritten()) {
                        ctx.response().headers().remove("Content-Type");
                        ctx.fail(404);
                    }
                });
    }
}
