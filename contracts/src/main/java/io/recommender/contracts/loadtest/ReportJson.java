package io.recommender.contracts.loadtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads and writes {@link LoadTestReport} as JSON. */
public final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    /** One line of JSON. */
    public static String write(LoadTestReport report) {
        return serialize(MAPPER, report);
    }

    /** Indented JSON, for people and files. */
    public static String writePretty(LoadTestReport report) {
        return serialize(PRETTY, report);
    }

    public static LoadTestReport read(String json) throws IOException {
        return MAPPER.readValue(json, LoadTestReport.class);
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String serialize(ObjectMapper mapper, LoadTestReport report) {
        try {
            return mapper.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a load-test report could not be written as JSON", e);
        }
    }
}
