package io.hubbub.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The layering of docs/ARCHITECTURE.md, checked on the compiled classes of every module: the core
 * knows no Netty, no JDBC and no server; a feature module knows the core's API (and the store's
 * public types), never the server, the Redis engine or another feature; nothing in the core
 * depends on the node that wires it, and the core's bottom layers never reach up.
 */
class DependencyRulesTest {
    /** The feature modules' root packages. */
    static final List<String> FEATURES = List.of("io.hubbub.chat", "io.hubbub.signaling", "io.hubbub.spaces", "io.hubbub.chain", "io.hubbub.web");

    static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.hubbub");
    }

    @Test
    void theCoreKnowsNoNettyNoJdbcAndNoServer() {
        ArchRule rule = noClasses().that().resideInAPackage("io.hubbub.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "java.sql..", "javax.sql..", "org.jdbi..",
                        "io.hubbub.server..", "io.hubbub.store..", "io.hubbub.redis..", "io.lettuce..");
        rule.check(classes);
    }

    @Test
    void featuresDependOnTheCoreApiOnly() {
        for (String feature : FEATURES) {
            List<String> others = FEATURES.stream().filter(f -> !f.equals(feature)).map(f -> f + "..").toList();
            String[] forbidden = java.util.stream.Stream.concat(others.stream(),
                    java.util.stream.Stream.of("io.hubbub.server..", "io.hubbub.redis..", "io.netty..")).toArray(String[]::new);
            noClasses().that().resideInAPackage(feature + "..").should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .allowEmptyShould(true).check(classes);
        }
    }

    /**
     * {@code node} wires the core together (it builds the services and registers the built-in handlers),
     * so nothing else in the core may know it: handlers register through {@code HubbubApi} like any feature.
     */
    @Test
    void nothingInTheCoreDependsOnTheNodeThatWiresIt() {
        noClasses().that().resideInAPackage("io.hubbub.core..").and().resideOutsideOfPackage("io.hubbub.core.node..")
                .should().dependOnClassesThat().resideInAPackage("io.hubbub.core.node..").check(classes);
    }

    /** The engine, protocol and value packages are the bottom layers: they never reach up. */
    @Test
    void theLowerLayersOfTheCoreDoNotReachUp() {
        noClasses().that().resideInAnyPackage("io.hubbub.core.engine..", "io.hubbub.core.protocol..", "io.hubbub.core.limit..",
                        "io.hubbub.core.cluster..", "io.hubbub.core.config..", "io.hubbub.core.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("io.hubbub.core.api..", "io.hubbub.core.room..",
                        "io.hubbub.core.presence..", "io.hubbub.core.messaging..", "io.hubbub.core.state..", "io.hubbub.core.session..",
                        "io.hubbub.core.node..", "io.hubbub.core.feature..", "io.hubbub.core.hub..")
                .check(classes);
    }
}
