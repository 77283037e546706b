package io.livestream.launcher;

import io.livestream.common.net.TrustedProxies;
import picocli.CommandLine.Option;

/** Which peers' forwarding headers name the client address: standalone and the gateway role share this. */
public final class TrustedProxyOptions {
    @Option(names = "--trusted-proxies", defaultValue = "${env:LIVE_TRUSTED_PROXIES:-}",
            description = "Comma-separated CIDRs of reverse proxies (an Ingress controller, a load balancer): for a peer inside them "
                    + "the client address is the right-most X-Forwarded-For (or Forwarded: for=) address that is not itself trusted; "
                    + "other peers' headers are ignored. Empty: trust none (env LIVE_TRUSTED_PROXIES)")
    String trustedProxies;

    public TrustedProxies proxies() {
        try {
            return TrustedProxies.parse(trustedProxies);
        } catch (IllegalArgumentException e) {
            throw new BadSettingException("--trusted-proxies / LIVE_TRUSTED_PROXIES: " + e.getMessage());
        }
    }
}
