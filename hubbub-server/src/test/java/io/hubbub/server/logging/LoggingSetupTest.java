package io.hubbub.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.server.config.LoggingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.logging.SecretMaskerTest.JWT;
import static org.assertj.core.api.Assertions.assertThat;

class LoggingSetupTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Logger log = LoggerFactory.getLogger("io.hubbub.test.Logging");

    @AfterEach
    void restoreDefaultConfiguration() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(ctx);
        jc.doConfigure(getClass().getResource("/logback.xml"));
    }

    private void logSecrets() {
        log.info("user {} connected with token={}", "bob", "opaque-abc123");
        log.warn("header Authorization: Bearer {}", JWT);
        MDC.put("resumeToken", "resume-xyz789");
        try {
            log.error("auth failed for bob", new IllegalStateException("bad token " + JWT));
        } finally {
            MDC.remove("resumeToken");
        }
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertNoSecrets(String text) {
        assertThat(text).doesNotContain("opaque-abc123").doesNotContain("eyJhbGci").doesNotContain("c2lnbmF0dXJl")
                .doesNotContain("resume-xyz789").contains("bob");
    }

    @Test
    void jsonFormatWritesOneParseableObjectPerLineWithTokensMasked() throws Exception {
        assertThat(LoggingSetup.configure(new LoggingConfig(LoggingConfig.Format.JSON, LoggingConfig.Level.INFO, Map.of()), out)).isTrue();
        logSecrets();
        List<JsonNode> lines = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : output().split("\n")) lines.add(json.readTree(line));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("level").asText()).isEqualTo("INFO");
        assertThat(lines.get(0).get("loggerName").asText()).isEqualTo("io.hubbub.test.Logging");
        assertThat(lines.get(0).get("formattedMessage").asText()).isEqualTo("user bob connected with token=***");
        assertThat(lines.get(1).get("formattedMessage").asText()).isEqualTo("header Authorization: Bearer ***");
        assertThat(lines.get(2).get("level").asText()).isEqualTo("ERROR");
        assertThat(lines.get(2).get("throwable").toString()).contains("IllegalStateException").contains("bad token eyJ***");
        assertThat(lines.get(2).get("mdc").get("resumeToken").asText()).isEqualTo("***");
        assertNoSecrets(output());
    }

    @Test
    void textFormatIsHumanReadableWithTokensMasked() {
        LoggingSetup.configure(new LoggingConfig(LoggingConfig.Format.TEXT, LoggingConfig.Level.INFO, Map.of()), out);
        logSecrets();
        String text = output();
        assertThat(text.lines().findFirst().orElseThrow())
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.+] io\\.hubbub\\.test\\.Logging - user bob connected with token=\\*\\*\\*");
        assertThat(text).contains("java.lang.IllegalStateException: bad token eyJ***");
        assertNoSecrets(text);
    }

    @Test
    void rootAndPerLoggerLevelsApply() {
        LoggingSetup.configure(new LoggingConfig(LoggingConfig.Format.TEXT, LoggingConfig.Level.WARN,
                Map.of("io.hubbub.test.Verbose", "debug")), out);
        log.info("quiet info");
        log.warn("loud warning");
        LoggerFactory.getLogger("io.hubbub.test.Verbose").debug("verbose debug");
        assertThat(output()).doesNotContain("quiet info").contains("loud warning").contains("verbose debug");
    }

    @Test
    void defaultLogbackXmlMasksToo() throws Exception {
        // a fresh context configured from the shipped logback.xml: independent of whatever other tests
        // in this JVM did to the global logging configuration
        LoggerContext ctx = new LoggerContext();
        var configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
        configurator.setContext(ctx);
        var shipped = LoggingSetupTest.class.getClassLoader().getResources("logback.xml");
        java.net.URL main = null;
        while (shipped.hasMoreElements()) {
            java.net.URL u = shipped.nextElement();
            if (u.getPath().contains("hubbub-server")) main = u;
        }
        assertThat(main).as("hubbub-server's logback.xml on the classpath").isNotNull();
        configurator.doConfigure(main);
        var appender = (OutputStreamAppender<ILoggingEvent>) ctx.getLogger("ROOT").getAppender("CONSOLE");
        assertThat(appender).as("logback.xml defines CONSOLE").isNotNull();
        assertThat(appender.getEncoder()).isInstanceOf(MaskingEncoder.class);
        LoggingEvent event = new LoggingEvent("x", ctx.getLogger("io.hubbub.test"), ch.qos.logback.classic.Level.INFO,
                "connect ?token={}", null, new Object[] {"opaque-abc123"});
        String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
        assertThat(line).contains("connect ?token=***").doesNotContain("opaque-abc123");
    }
}
