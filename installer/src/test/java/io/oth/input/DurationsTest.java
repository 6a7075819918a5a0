package io.oth.input;

import io.oth.input.Durations;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @Test
    void lengthsAreReadAsPeopleWriteThem() {
        assertEquals(Duration.ofHours(4), Durations.parse("4h"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofDays(2).plusSeconds(5), Durations.parse("2d5s"));
        assertEquals(Duration.ofSeconds(45), Durations.parse(" 45S "));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsThatWork() {
        for (String bad : new String[] {"", "4", "h", "4 h", "4h30", "-1h", "4w", "PT4H"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertEquals("\"" + bad + "\" is not a length of time: write it like 4h, 90m, 1h30m, 2d or 45s", e.getMessage());
        }
    }

    @Test
    void formattingGivesTheShortestForm() {
        assertEquals("1h30m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("7d", Durations.format(Duration.ofDays(7)));
        assertEquals("10s", Durations.format(Duration.ofSeconds(10)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }
}
