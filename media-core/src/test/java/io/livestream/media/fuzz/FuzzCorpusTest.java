package io.livestream.media.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

/**
 * Replays the regression corpus, {@code src/test/resources/fuzz-corpus/<parser>/}: inputs that once
 * failed a parser (from the fuzzer or the golden tests) and hand-made hostile ones, each through its
 * own parser and every other one. As in {@link ParserFuzzTest}, only a parser's typed exception may
 * escape and limits hold; and none takes more than a few seconds. A file is hex ({@code .hex}:
 * whitespace and {@code #} comment lines ignored) or raw bytes ({@code .bin}), gzipped when large
 * ({@code .bin.gz}).
 */
class FuzzCorpusTest {

    @TestFactory
    Stream<DynamicTest> everyCorpusInputGoesThroughEveryParser() throws IOException, URISyntaxException {
        Path root = Path.of(FuzzCorpusTest.class.getResource("/fuzz-corpus").toURI());
        return Arrays.stream(Parser.values()).flatMap(parser -> {
            List<Path> inputs = files(root.resolve(parser.corpus));
            assertThat(inputs).as("corpus of %s", parser.corpus).isNotEmpty();
            return inputs.stream().map(file -> DynamicTest.dynamicTest(parser.corpus + "/" + file.getFileName(), () -> {
                byte[] input = read(file);
                assertTimeout(Duration.ofSeconds(5), () -> {
                    for (Parser p : Parser.values()) {
                        p.parse(input);
                    }
                });
            }));
        });
    }

    private static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".hex")) {
            String hex = Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
                    .filter(l -> !l.startsWith("#")).collect(Collectors.joining()).replaceAll("\\s", "");
            return HexFormat.of().parseHex(hex);
        }
        if (name.endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(file);
    }
}
