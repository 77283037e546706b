package io.livestream.launcher;

import io.livestream.common.LogField;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code LIVE_LOG_FORMAT=json}: one JSON object per line, for a log shipper. {@code time} (ISO-8601,
 * UTC), {@code level}, {@code logger}, {@code message} (with its parameters), then {@code stream} and
 * {@code client} from the record's {@link LogField} parameters, and {@code thrown} (the stack trace)
 * when there is one. Jackson does the escaping.
 */
final class JsonLogFormatter extends Formatter {

    @Override
    public String format(LogRecord record) {
        JsonObject line = new JsonObject()
                .put("time", DateTimeFormatter.ISO_INSTANT.format(record.getInstant()))
                .put("level", record.getLevel().getName())
                .put("logger", record.getLoggerName())
                .put("message", formatMessage(record));
        Object[] parameters = record.getParameters();
        if (parameters != null) {
            for (Object parameter : parameters) {
                if (parameter instanceof LogField field && field.value() != null && !field.value().isEmpty()
                        && !line.containsKey(field.key())) {
                    line.put(field.key(), field.value());
                }
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("thrown", trace.toString());
        }
        return line.encode() + "\n";
    }
}
