package io.hubbub.server.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskerTest {
    static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "token=abc123                        | token=***",
            "GET /ws?token=abc123&v=1             | GET /ws?token=***&v=1",
            "Authorization: Bearer abc.def-ghi   | Authorization: Bearer ***",
            "authorization: basic dXNlcjpwYXNz   | authorization: basic ***",
            "resumeToken: r-123 kept             | resumeToken: *** kept",
            "password=hunter2, user=bob          | password=***, user=bob",
            "api_key = k-1                       | api_key = ***",
            "jwtSecret: s3cr3t                   | jwtSecret: ***",
            "user bob joined room lobby          | user bob joined room lobby",
            "tokens: 5 issued                    | tokens: 5 issued",
    })
    void masksCredentialsAndKeepsTheRest(String in, String out) {
        assertThat(SecretMasker.mask(in)).isEqualTo(out);
    }

    @Test
    void masksJwtsAnywhere() {
        assertThat(SecretMasker.mask("got " + JWT + " from bob")).isEqualTo("got eyJ*** from bob");
        assertThat(SecretMasker.mask("x" + JWT)).doesNotContain("eyJhbGci").doesNotContain("c2lnbmF0dXJl");
    }

    @Test
    void maskedJsonStaysValidJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String line = json.writeValueAsString(java.util.Map.of(
                "message", "join with {\"token\":\"abc\"} and Bearer xyz and token=q&x and " + JWT,
                "mdc", java.util.Map.of("apiKey", "k", "user", "bob")));
        String masked = SecretMasker.mask(line);
        var tree = json.readTree(masked);
        assertThat(tree.get("message").asText()).isEqualTo("join with {\"token\":\"***\"} and Bearer *** and token=***&x and eyJ***");
        assertThat(tree.get("mdc").get("apiKey").asText()).isEqualTo("***");
        assertThat(tree.get("mdc").get("user").asText()).isEqualTo("bob");
    }
}
