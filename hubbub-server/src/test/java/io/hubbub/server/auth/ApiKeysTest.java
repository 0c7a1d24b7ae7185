package io.hubbub.server.auth;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys(new LinkedHashMap<>(Map.of(
            "publisher", "pub-0123456789abcdef",
            "admin-bot", "adm-0123456789abcdef")));

    @Test
    void aConfiguredKeyAuthenticatesAsItsServicePrincipal() {
        Principal p = keys.authenticate("adm-0123456789abcdef");
        assertThat(p.userId()).isEqualTo("service:admin-bot");
        assertThat(p.name()).isEqualTo("admin-bot");
        assertThat(p.role()).isEqualTo(Role.SERVICE);
        assertThat(p.isAdmin()).isTrue();
        assertThat(p.roomScope()).isNull();
        assertThat(keys.find("pub-0123456789abcdef")).map(Principal::userId).contains("service:publisher");
    }

    @Test
    void anyOtherValueIsUnauthorized() {
        for (String wrong : new String[] {"pub-0123456789abcdeF", "pub-0123456789abcde", "pub-0123456789abcdef ",
                "", "x".repeat(5000)}) {
            assertThat(keys.find(wrong)).as(wrong.length() + " chars").isEmpty();
            assertThatThrownBy(() -> keys.authenticate(wrong))
                    .isInstanceOfSatisfying(HubbubException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                        assertThat(e.getMessage()).isEqualTo("invalid api key");
                    });
        }
        assertThat(keys.find(null)).isEmpty();
        assertThat(ApiKeys.none().find("pub-0123456789abcdef")).isEmpty();
        assertThat(ApiKeys.none().isEmpty()).isTrue();
    }

    @Test
    void weakOrDuplicateConfigurationIsRejectedWithoutShowingTheKey() {
        assertThatThrownBy(() -> new ApiKeys(Map.of("short", "tiny-key")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'short'").hasMessageNotContaining("tiny-key");
        Map<String, String> dup = new LinkedHashMap<>();
        dup.put("a", "same-key-0123456789");
        dup.put("b", "same-key-0123456789");
        assertThatThrownBy(() -> new ApiKeys(dup))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("same-key");
        assertThatThrownBy(() -> new ApiKeys(Map.of(" ", "0123456789abcdef0")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
