package io.livestream.launcher;

import io.livestream.common.LogField;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLogFormatterTest {
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @Test
    void aRecordIsOneLineWithTimeLevelLoggerAndFormattedMessage() {
        LogRecord record = new LogRecord(Level.INFO, "rtmp {0} closed: {1}");
        record.setLoggerName("io.livestream.ingest.RtmpConnection");
        record.setInstant(Instant.parse("2026-12-06T21:07:06.123Z"));
        record.setParameters(new Object[] {"/10.0.0.7:50312", "idle-timeout"});

        String line = formatter.format(record);

        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r");
        assertThat(new JsonObject(line)).isEqualTo(new JsonObject()
                .put("time", "2026-12-06T21:07:06.123Z")
                .put("level", "INFO")
                .put("logger", "io.livestream.ingest.RtmpConnection")
                .put("message", "rtmp /10.0.0.7:50312 closed: idle-timeout"));
    }

    @Test
    void streamAndClientComeFromLogFieldParametersMentionedOrNot() {
        LogRecord record = new LogRecord(Level.INFO, "stream {0} online{1} from {2}");
        record.setParameters(new Object[] {LogField.stream("cam1"), "", "rtmp /10.0.0.7:50312", LogField.client("10.0.0.7")});

        JsonObject json = new JsonObject(formatter.format(record));

        assertThat(json.getString("message")).isEqualTo("stream cam1 online from rtmp /10.0.0.7:50312");
        assertThat(json.getString("stream")).isEqualTo("cam1");
        assertThat(json.getString("client")).isEqualTo("10.0.0.7");
    }

    @Test
    void aLineWithoutThemHasNoStreamOrClientAndAnEmptyClientIsLeftOut() {
        LogRecord plain = new LogRecord(Level.WARNING, "stream {0}: registry unavailable");
        plain.setParameters(new Object[] {"cam1"});
        LogRecord demo = new LogRecord(Level.INFO, "stream {0} online from clip {0}");
        demo.setParameters(new Object[] {LogField.stream("demo"), LogField.client(""), null});

        assertThat(new JsonObject(formatter.format(plain)).fieldNames()).containsExactly("time", "level", "logger", "message");
        assertThat(new JsonObject(formatter.format(demo)).fieldNames()).containsExactly("time", "level", "logger", "message", "stream");
    }

    @Test
    void aFieldCannotOverwriteTheRecordsOwn() {
        LogRecord record = new LogRecord(Level.INFO, "stream {0}");
        record.setParameters(new Object[] {new LogField("level", "SEVERE"), LogField.stream("a"), LogField.stream("b")});

        JsonObject json = new JsonObject(formatter.format(record));

        assertThat(json.getString("level")).isEqualTo("INFO");
        assertThat(json.getString("stream")).isEqualTo("a");
    }

    @Test
    void quotesNewlinesBackslashesControlsAndUnicodeSurviveOnOneLine() {
        String text = "say \"hi\"\nsecond line\r\tC:\\path \u0001 \u2028 主播 é 😀 </script>";
        LogRecord record = new LogRecord(Level.INFO, "danmaku {0}");
        record.setParameters(new Object[] {text, LogField.client("::1"), LogField.stream("流")});

        String line = formatter.format(record);

        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\t", "\u0001");
        JsonObject json = new JsonObject(line);
        assertThat(json.getString("message")).isEqualTo("danmaku " + text);
        assertThat(json.getString("stream")).isEqualTo("流");
    }

    @Test
    void aThrowableIsItsStackTraceAsAString() {
        LogRecord record = new LogRecord(Level.SEVERE, "ingest failed to start");
        record.setThrown(new IllegalStateException("port \"1935\" taken", new java.io.IOException("bind")));

        JsonObject json = new JsonObject(formatter.format(record));

        assertThat(json.getString("thrown"))
                .startsWith("java.lang.IllegalStateException: port \"1935\" taken")
                .contains("\tat io.livestream.launcher.JsonLogFormatterTest.aThrowableIsItsStackTraceAsAString")
                .contains("Caused by: java.io.IOException: bind");
    }

    @Test
    void systemLoggerParametersReachTheFormatter() {
        // the code logs through System.Logger: its parameters must arrive in the java.util.logging record
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logger jul = Logger.getLogger("io.livestream.test.json");
        Handler handler = new StreamHandler(out, formatter);
        jul.addHandler(handler);
        jul.setUseParentHandlers(false);
        try {
            System.getLogger("io.livestream.test.json").log(System.Logger.Level.INFO, "stream {0}: + {1}",
                    LogField.stream("cam1"), "ws-flv /127.0.0.1:40000", LogField.client("127.0.0.1"));
            System.getLogger("io.livestream.test.json").log(System.Logger.Level.ERROR, "relay failed to start", new RuntimeException("boom"));
            handler.flush();
        } finally {
            jul.removeHandler(handler);
        }

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        JsonObject viewer = new JsonObject(lines[0]);
        assertThat(viewer.getString("logger")).isEqualTo("io.livestream.test.json");
        assertThat(viewer.getString("message")).isEqualTo("stream cam1: + ws-flv /127.0.0.1:40000");
        assertThat(viewer.getString("stream")).isEqualTo("cam1");
        assertThat(viewer.getString("client")).isEqualTo("127.0.0.1");
        JsonObject failure = new JsonObject(lines[1]);
        assertThat(failure.getString("level")).isEqualTo("SEVERE");
        assertThat(failure.getString("thrown")).startsWith("java.lang.RuntimeException: boom");
    }

    @Test
    void theFormatIsTextOrJsonAndAnythingElseIsASettingError() {
        assertThat(Logs.formatter("text")).isInstanceOf(java.util.logging.SimpleFormatter.class);
        assertThat(Logs.formatter(" JSON ")).isInstanceOf(JsonLogFormatter.class);
        assertThatThrownBy(() -> Logs.formatter("logfmt"))
                .isInstanceOf(BadSettingException.class)
                .hasMessage("LIVE_LOG_FORMAT must be text or json, not 'logfmt'");
        assertThatThrownBy(() -> Logs.configure(java.util.Map.of("LIVE_LOG_FORMAT", "jsonl")))
                .isInstanceOf(BadSettingException.class);
        assertThatThrownBy(() -> Logs.configure(java.util.Map.of("LIVE_LOG_LEVEL", "LOUD")))
                .isInstanceOf(BadSettingException.class)
                .hasMessageStartingWith("LIVE_LOG_LEVEL must be");
    }
}
