package io.livestream.launcher;

import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.gateway.GatewayConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-address limits and trusted proxies as flags: defaults, the former names, a bad CIDR. */
class GatewayLimitOptionsTest {

    private static StandaloneCommand standalone(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "standalone";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(all);
        return (StandaloneCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void defaultsLetAnAudienceBehindOneAddressInAndLimitTheRateOfNewConnections() {
        StandaloneCommand command = standalone();
        GatewayConfig.Limits limits = command.gatewayLimits.limits();
        assertThat(limits.viewers()).isEqualTo(new ConnectionLimiter.Limits(5000, 20, 100));
        assertThat(limits.rooms()).isEqualTo(new ConnectionLimiter.Limits(2000, 20, 100));
        assertThat(limits.sessionsPerSecond()).isEqualTo(1);
        assertThat(limits.sessionBurst()).isEqualTo(20);
        assertThat(command.proxies.proxies().isEmpty()).as("no proxy trusted by default").isTrue();
    }

    @Test
    void newAndFormerFlagNamesSetTheCapsAndRates() {
        GatewayConfig.Limits former = standalone("--max-viewer-connections-per-address", "7",
                "--max-room-connections-per-address", "3").gatewayLimits.limits();
        assertThat(former.viewers().maxOpen()).isEqualTo(7);
        assertThat(former.rooms().maxOpen()).isEqualTo(3);
        GatewayConfig.Limits set = standalone("--viewer-connections-per-address", "9", "--viewer-connection-rate", "0.5",
                "--viewer-connection-burst", "4", "--room-connection-rate", "2", "--room-connection-burst", "8",
                "--session-rate", "0", "--session-burst", "3").gatewayLimits.limits();
        assertThat(set.viewers()).isEqualTo(new ConnectionLimiter.Limits(9, 0.5, 4));
        assertThat(set.rooms()).isEqualTo(new ConnectionLimiter.Limits(2000, 2, 8));
        assertThat(set.sessionsPerSecond()).isZero();
        assertThat(set.sessionBurst()).isEqualTo(3);
        assertThat(standalone("--trusted-proxies", "10.0.0.0/8, fd00::/8").proxies.proxies().trusts("fd00::5")).isTrue();
    }

    @Test
    void aTrustedProxyThatIsNotACidrIsRefusedBeforeAnythingStarts() {
        assertThat(Commands.refused("standalone", "--trusted-proxies", "10.0.0.0/33")).contains("LIVE_TRUSTED_PROXIES", "prefix");
        assertThat(Commands.refused("gateway", "--jwt-secret", "gateway-options-test-secret-0123456789abcdef",
                "--trusted-proxies", "ingress.local")).contains("not a CIDR", "ingress.local");
    }
}
