package io.livestream.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the launcher's command line in the test JVM, as {@code java -jar livestream.jar ...} would. */
final class Commands {
    private Commands() {
    }

    /** Runs a command that must succeed; returns what it printed on stdout. */
    static String output(String... args) {
        return run(0, args)[0];
    }

    /** Runs a command that must refuse its settings (exit code 2, before starting anything); returns its stderr. */
    static String refused(String... args) {
        return run(2, args)[1];
    }

    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        assertThat(code).as("exit code of %s; stderr: %s", List.of(args), err).isEqualTo(expectedCode);
        return new String[] {out.toString().strip(), err.toString().strip()};
    }
}
