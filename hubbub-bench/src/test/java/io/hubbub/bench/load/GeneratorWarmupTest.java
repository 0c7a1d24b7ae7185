package io.hubbub.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator's self warm-up: against its own in-process floor server, once per JVM, off unless asked for. */
class GeneratorWarmupTest {
    @Test
    void warmsOnceAgainstAnInProcessFloorServerAndOnlyWhenAsked() throws Exception {
        Progress progress = new Progress(System.err, "warm-up test");
        try (Generator g = new Generator(1, 4, 64)) {
            GeneratorWarmup.connections(0);
            assertThat(GeneratorWarmup.ensure(g, progress)).as("off by default for code that builds Scenarios itself").isZero();
            GeneratorWarmup.connections(200);
            assertThat(GeneratorWarmup.ensure(g, progress)).as("every warm-up connection welcomed and answered").isEqualTo(200);
            assertThat(GeneratorWarmup.ensure(g, progress)).as("once per JVM").isZero();
        } finally {
            GeneratorWarmup.connections(0);
        }
    }
}
