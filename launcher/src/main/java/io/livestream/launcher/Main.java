package io.livestream.launcher;

import io.livestream.launcher.bench.BenchCommand;
import io.livestream.launcher.cluster.GatewayRoleCommand;
import io.livestream.launcher.cluster.IngestRoleCommand;
import io.livestream.launcher.cluster.InteractionRoleCommand;
import io.livestream.launcher.cluster.RelayRoleCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;

/**
 * {@code java -jar livestream.jar [standalone|ingest|relay|interaction|gateway|token|bench] ...}; no command (or only options) runs
 * {@code standalone}.
 */
@Command(name = "livestream", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "H5 live-streaming platform: RTMP in, HTTP-FLV and WebSocket-FLV out.",
        subcommands = {StandaloneCommand.class, IngestRoleCommand.class, RelayRoleCommand.class, GatewayRoleCommand.class,
                InteractionRoleCommand.class,
                TokenCommand.class, BenchCommand.class})
public final class Main {

    public static void main(String[] args) {
        try {
            Logs.configure();
        } catch (BadSettingException e) {
            System.err.println("livestream: " + e.getMessage());
            System.exit(2);
        }
        String[] effective = args.length == 0 || args[0].startsWith("-") && !isHelpOrVersion(args[0])
                ? prepend("standalone", args)
                : args;
        int code = commandLine().execute(effective);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The command line; a setting the process cannot start with is reported as one line, exit code 2. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof BadSettingException) {
                command.getErr().println(command.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            throw e;
        });
    }

    private static boolean isHelpOrVersion(String arg) {
        return Arrays.asList("-h", "--help", "-V", "--version").contains(arg);
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"livestream " + (v == null ? "dev" : v)};
        }
    }
}
