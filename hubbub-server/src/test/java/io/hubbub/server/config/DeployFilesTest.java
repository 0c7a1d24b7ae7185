package io.hubbub.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container files (Dockerfile, docker-compose.yml; no container tool runs here, see docs/DEPLOY.md)
 * are checked by parsing: the compose file has the three nodes, Redis, PostgreSQL and nginx; every
 * HUBBUB_* variable of the image and of each node is a configuration key, and the configuration they
 * make loads in production mode, clustered on the compose file's Redis and PostgreSQL, each node with
 * its own id and URL; nginx serves docs/nginx-hubbub.conf pointed at exactly the three nodes; the image
 * runs as a non-root user with the launcher's JVM flags.
 */
class DeployFilesTest {
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z_]+)(?::([-?])([^}]*))?}");
    private static final List<String> NODES = List.of("hubbub-1", "hubbub-2", "hubbub-3");

    @Test
    void composeFileMakesAThreeNodeClusterWithValidConfiguration() throws Exception {
        Path root = root();
        JsonNode compose = new YAMLMapper().readTree(Files.readString(root.resolve("docker-compose.yml")));
        JsonNode services = compose.path("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("redis", "postgres", "nginx", "hubbub-1", "hubbub-2", "hubbub-3");
        assertThat(services.path("redis").path("image").asText()).startsWith("redis:7");
        assertThat(services.path("postgres").path("image").asText()).startsWith("postgres:");
        assertThat(services.path("nginx").path("image").asText()).startsWith("nginx:");
        for (String s : names)
            services.path(s).path("depends_on").fieldNames().forEachRemaining(d -> assertThat(names).as(s + " depends on").contains(d));

        Map<String, String> image = dockerfileEnv(Files.readString(root.resolve("Dockerfile")));
        JsonNode pg = services.path("postgres").path("environment");
        Set<String> nodeIds = new HashSet<>(), addresses = new HashSet<>();
        for (String node : NODES) {
            JsonNode svc = services.path(node);
            assertThat(svc.path("build").asText()).isEqualTo(".");
            assertThat(svc.path("image").asText()).isEqualTo("hubbub:local");
            Map<String, String> env = new LinkedHashMap<>(image);
            svc.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), interpolate(e.getValue().asText())));
            assertThat(env.keySet()).allMatch(k -> k.startsWith("HUBBUB_"));

            ConfigLoader.Loaded loaded = new ConfigLoader().env(env).load(); // throws ConfigException on a bad value
            assertThat(loaded.warnings()).as(node + ": every HUBBUB_* variable is a configuration key").isEmpty();
            HubbubConfig c = loaded.config().resolved();
            assertThat(c.server().mode()).isEqualTo(ServerConfig.Mode.PRODUCTION);
            assertThat(c.server().effectiveHost()).isEqualTo("0.0.0.0");
            assertThat(c.server().port()).isEqualTo(8080);
            assertThat(c.server().publicUrl()).isEqualTo("http://" + node + ":8080");
            assertThat(c.engine().type()).isEqualTo(EngineConfig.Type.REDIS);
            assertThat(nodeIds.add(c.engine().nodeId())).as("node ids are unique").isTrue();
            assertThat(URI.create(c.engine().redis().uri()).getHost()).isEqualTo("redis");
            URI jdbc = URI.create(c.storage().jdbcUrl().substring("jdbc:".length()));
            assertThat(jdbc.getScheme()).isEqualTo("postgresql");
            assertThat(jdbc.getHost()).isEqualTo("postgres");
            assertThat(jdbc.getPath()).isEqualTo("/" + pg.path("POSTGRES_DB").asText());
            assertThat(c.storage().user()).isEqualTo(pg.path("POSTGRES_USER").asText());
            assertThat(svc.path("environment").path("HUBBUB_STORAGE_PASSWORD").asText()).isEqualTo(pg.path("POSTGRES_PASSWORD").asText());
            assertThat(c.server().trustProxy()).isTrue();
            assertThat(c.server().trustedProxies()).containsExactly(subnet(compose));
            assertThat(addresses.add(svc.path("networks").path("hubbub").path("ipv4_address").asText())).isTrue();
        }
        // nginx's address is among the trusted proxies (the subnet), so client IPs survive the hop
        assertThat(services.path("nginx").path("networks").path("hubbub").path("ipv4_address").asText())
                .startsWith(subnet(compose).replaceAll("0/24$", ""));

        // nginx: the documented config, its upstream servers rewritten to exactly the three nodes
        JsonNode nginx = services.path("nginx");
        assertThat(nginx.path("volumes").get(0).asText()).startsWith("./docs/nginx-hubbub.conf:");
        assertThat(String.join(" ", texts(nginx.path("command")))).contains("s/server 127.0.0.1:700\\([1-3]\\)/server hubbub-\\1:8080/");
        String conf = Files.readString(root.resolve("docs/nginx-hubbub.conf"))
                .replaceAll("server 127\\.0\\.0\\.1:700([1-3])", "server hubbub-$1:8080");
        Set<String> upstreams = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*server (\\S+):8080").matcher(conf);
        while (m.find()) upstreams.add(m.group(1));
        assertThat(upstreams).containsExactlyElementsOf(NODES);
    }

    @Test
    void imageIsMultiStageNonRootWithTheLaunchersJvmFlags() throws Exception {
        Path root = root();
        String dockerfile = Files.readString(root.resolve("Dockerfile"));
        List<String> from = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile);
        while (m.find()) from.add(m.group(1));
        assertThat(from).containsExactly("eclipse-temurin:25-jdk", "eclipse-temurin:25-jre");
        assertThat(dockerfile).contains("./mvnw ").contains("COPY --from=build");
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).isNotIn("root", "0");

        // the flags written to jvm.args are the launcher's (its JDK 22+ and 23+ branches included)
        List<String> imageFlags = new ArrayList<>();
        Matcher flag = Pattern.compile("(?m)^\\s+'(-[^']+)' \\\\$").matcher(dockerfile);
        while (flag.find()) imageFlags.add(flag.group(1));
        assertThat(imageFlags).isEqualTo(launcherFlags(Files.readString(root.resolve("hubbub"))));
        assertThat(dockerfile).contains("\"java\", \"@/opt/hubbub/jvm.args\"").contains("java @/opt/hubbub/jvm.args -XX:AOTCacheOutput=");

        for (String key : dockerfileEnv(dockerfile).keySet()) assertThat(key).startsWith("HUBBUB_");
        ConfigLoader.Loaded loaded = new ConfigLoader().env(dockerfileEnv(dockerfile)).load();
        assertThat(loaded.warnings()).isEmpty();
    }

    /** jvm_flags=( … ) of the launcher plus its JDK 22+/23+ additions, "--opt value" pairs joined as "--opt=value". */
    static List<String> launcherFlags(String launcher) {
        Matcher m = Pattern.compile("(?s)\\njvm_flags=\\((.*?)\\)").matcher(launcher);
        assertThat(m.find()).as("jvm_flags in the launcher").isTrue();
        List<String> words = new ArrayList<>(List.of(m.group(1).trim().split("\\s+")));
        Matcher plus = Pattern.compile("jvm_flags\\+=\\(([^)]*)\\)").matcher(launcher);
        while (plus.find()) words.addAll(List.of(plus.group(1).trim().split("\\s+")));
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--add-opens") || w.equals("--add-exports")) flags.add(w + "=" + words.get(++i));
            else flags.add(w);
        }
        return flags;
    }

    /** ENV lines of the Dockerfile (KEY=VALUE pairs, continued lines included). */
    static Map<String, String> dockerfileEnv(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^ENV ((?:.*\\\\\\n)*.*)$").matcher(dockerfile);
        while (m.find()) {
            for (String pair : m.group(1).replace("\\\n", " ").trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }

    /** Compose interpolation: ${X:-default} gives the default, ${X:?message} a sample value (the operator must set X). */
    static String interpolate(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement = "-".equals(m.group(2)) ? m.group(3) : "sample-value-set-by-the-operator-0123456789abcdefghij";
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(sb).toString();
    }

    private static String subnet(JsonNode compose) {
        return compose.path("networks").path("hubbub").path("ipam").path("config").get(0).path("subnet").asText();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("docker-compose.yml"))) return p;
        throw new IllegalStateException("docker-compose.yml not found above " + Path.of("").toAbsolutePath());
    }
}
