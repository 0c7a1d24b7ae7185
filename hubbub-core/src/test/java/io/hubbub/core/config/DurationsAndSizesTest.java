package io.hubbub.core.config;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsAndSizesTest {

    @ParameterizedTest
    @CsvSource({"250ms,250", "5s,5000", "2m,120000", "3h,10800000", "1d,86400000", "1h30m,5400000", "0,0", "PT5S,5000", " 10s ,10000"})
    void parsesDurations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "5x", "s", "-5s", "5 s", "1.5s", "PT-5S", "5sec"})
    void rejectsBadDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.isEmpty() ? "duration" : text.trim());
    }

    @ParameterizedTest
    @CsvSource({"250,250ms", "5000,5s", "120000,2m", "10800000,3h", "5400000,1h30m", "0,0s", "90000,1m30s", "1500,1s500ms"})
    void formatsDurationsInTheirShortestExactForm(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({"65536,65536", "64KiB,65536", "4MiB,4194304", "1GiB,1073741824", "64kib,65536", "10KB,10000", "2MB,2000000",
            "1 KiB,1024", "7,7", "7B,7"})
    void parsesSizes(String text, long bytes) {
        assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "KiB", "4XB", "-1", "1.5MiB", "99999999999999GiB"})
    void rejectsBadSizes(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizesFormatAndParseBack() {
        for (long b : new long[] {0, 1, 1000, 1024, 65536, 4L << 20, 3L << 30, 1536}) {
            ByteSize s = ByteSize.ofBytes(b);
            assertThat(ByteSize.parse(s.toString())).isEqualTo(s);
        }
        assertThat(ByteSize.ofKiB(64)).hasToString("64KiB");
        assertThat(ByteSize.ofMiB(4)).hasToString("4MiB");
        assertThat(ByteSize.ofBytes(1536)).hasToString("1536");
    }
}
