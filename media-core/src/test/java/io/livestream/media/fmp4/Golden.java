package io.livestream.media.fmp4;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden files under {@code src/test/resources}; {@code -Dfmp4.golden.write=true} rewrites them. */
final class Golden {
    private Golden() {
    }

    static void check(String resource, byte[] actual) throws IOException {
        if (Boolean.getBoolean("fmp4.golden.write")) {
            Path file = Path.of("src/test/resources", resource);
            Files.createDirectories(file.getParent());
            Files.write(file, actual);
            return;
        }
        try (InputStream in = Golden.class.getResourceAsStream("/" + resource)) {
            assertThat(in).as("golden file " + resource).isNotNull();
            byte[] expected = in.readAllBytes();
            // hex, so that a failure shows where the bytes part
            assertThat(HexFormat.of().formatHex(actual)).isEqualTo(HexFormat.of().formatHex(expected));
        }
    }
}
