package io.oth.check;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DoctorTest {

    @Test
    void getentsLinesGiveEachAddressOnceSorted() {
        String printed = """
                10.77.0.102     STREAM app2
                10.77.0.102     DGRAM\s
                10.77.0.102     RAW\s
                10.77.0.11      STREAM
                """;
        assertEquals(List.of("10.77.0.102", "10.77.0.11"), Doctor.getentAddresses(printed));
        assertEquals(List.of(), Doctor.getentAddresses(""));
    }
}
