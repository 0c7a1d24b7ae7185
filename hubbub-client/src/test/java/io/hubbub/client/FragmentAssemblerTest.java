package io.hubbub.client;

import org.junit.jupiter.api.Test;

import java.nio.CharBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FragmentAssemblerTest {

    @Test
    void wholeMessagePassesThrough() {
        FragmentAssembler a = new FragmentAssembler(100);
        assertThat(a.append("{\"type\":\"x\"}", true)).isEqualTo("{\"type\":\"x\"}");
        assertThat(a.pending()).isZero();
    }

    @Test
    void joinsFragmentsInOrder() {
        FragmentAssembler a = new FragmentAssembler(100);
        assertThat(a.append("{\"type\":", false)).isNull();
        assertThat(a.append("\"message", false)).isNull();
        assertThat(a.pending()).isEqualTo(16);
        assertThat(a.append(":new\"}", true)).isEqualTo("{\"type\":\"message:new\"}");
        assertThat(a.pending()).isZero();
        assertThat(a.append("next", true)).as("the next message starts fresh").isEqualTo("next");
    }

    @Test
    void copiesReusedBuffers() {
        // The JDK may reuse the CharSequence it passes once the call returns.
        FragmentAssembler a = new FragmentAssembler(100);
        CharBuffer buf = CharBuffer.allocate(8);
        buf.put("abcd").flip();
        assertThat(a.append(buf, false)).isNull();
        buf.clear();
        buf.put("efgh").flip();
        assertThat(a.append(buf, true)).isEqualTo("abcdefgh");
    }

    @Test
    void emptyLastFragmentCompletesTheMessage() {
        FragmentAssembler a = new FragmentAssembler(100);
        assertThat(a.append("abc", false)).isNull();
        assertThat(a.append("", true)).isEqualTo("abc");
    }

    @Test
    void refusesMessagesOverTheLimitAndRecovers() {
        FragmentAssembler a = new FragmentAssembler(10);
        assertThat(a.append("123456", false)).isNull();
        assertThatThrownBy(() -> a.append("7890X", false))
                .isInstanceOf(FragmentAssembler.MessageTooLargeException.class).hasMessageContaining("10");
        assertThat(a.pending()).as("the partial message is dropped").isZero();
        assertThatThrownBy(() -> a.append("12345678901", true))
                .isInstanceOf(FragmentAssembler.MessageTooLargeException.class);
        assertThat(a.append("1234567890", true)).isEqualTo("1234567890");
    }
}
