package io.hubbub.server.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's AOT-cache training run ({@code hubbub aot-train}, hidden): it drives a real server
 * with native and Socket.IO clients to the end and exits 0 (a non-zero exit makes the launcher start
 * without a cache), and it is not listed in the usage.
 */
class AotTrainCommandTest {
    @Test
    void trainingRunDrivesBothProtocolsAndSucceeds() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = HubbubCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err),
                "aot-train", "--native", "20", "--socketio", "10", "--messages", "2");
        assertThat(code).as(err.toString()).isZero();
        // 30 clients in one room (30 / 25 rounds down to 1); every request was answered (else a non-zero exit)
        assertThat(err.toString()).contains("20 native + 10 Socket.IO connections, 1 rooms, ");
    }

    @Test
    void trainingCommandIsHidden() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        HubbubCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), "--help");
        assertThat(out.toString()).contains("serve").doesNotContain("aot-train");
    }
}
