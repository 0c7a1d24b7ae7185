package io.hubbub.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.hubbub.server.config.LoggingConfig;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Applies {@link LoggingConfig} to Logback at startup, replacing whatever logback.xml set up:
 * one appender in the chosen format (human-readable text, or JSON lines via Logback's
 * {@link JsonEncoder}), always behind a {@link MaskingEncoder}, the root level and per-logger
 * levels. Call once, before the server starts; not meant to race with logging from other threads.
 */
public final class LoggingSetup {
    /** The human-readable line format (also used by the default logback.xml). */
    public static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";

    private LoggingSetup() {}

    /** Logs to standard output. Returns false (and does nothing) if SLF4J is not bound to Logback. */
    public static boolean configure(LoggingConfig config) {
        return configure(config, null);
    }

    /** Logs to {@code out}, or standard output when null. */
    public static boolean configure(LoggingConfig config, OutputStream out) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext ctx)) return false;
        ctx.reset();

        MaskingEncoder encoder = new MaskingEncoder();
        encoder.setContext(ctx);
        encoder.setEncoder(formatEncoder(config.format(), ctx));
        encoder.start();

        OutputStreamAppender<ILoggingEvent> appender;
        if (out == null) appender = new ConsoleAppender<>();
        else {
            appender = new OutputStreamAppender<>();
            appender.setOutputStream(out);
        }
        appender.setName(out == null ? "CONSOLE" : "STREAM");
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();

        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level().name(), Level.INFO));
        root.addAppender(appender);
        config.loggers().forEach((name, level) -> ctx.getLogger(name).setLevel(Level.toLevel(level.trim(), Level.INFO)));
        return true;
    }

    private static Encoder<ILoggingEvent> formatEncoder(LoggingConfig.Format format, LoggerContext ctx) {
        return switch (format) {
            case TEXT -> {
                PatternLayoutEncoder e = new PatternLayoutEncoder();
                e.setContext(ctx);
                e.setPattern(TEXT_PATTERN);
                e.setCharset(StandardCharsets.UTF_8);
                e.start();
                yield e;
            }
            case JSON -> {
                JsonEncoder e = new JsonEncoder();
                e.setContext(ctx);
                // Only the formatted message: the raw pattern and the argument array would repeat it.
                e.setWithMessage(false);
                e.setWithArguments(false);
                e.setWithFormattedMessage(true);
                e.setWithContext(false);
                e.setWithSequenceNumber(false);
                e.start();
                yield e;
            }
        };
    }
}
