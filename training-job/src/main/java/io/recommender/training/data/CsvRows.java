package io.recommender.training.data;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A CSV file read row by row (streaming, through Jackson's CSV parser) with its header checked against the
 * columns the caller needs, and each row's line number at hand for error messages.
 */
public final class CsvRows implements AutoCloseable {
    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

    private final Path file;
    private final Reader reader;
    private final MappingIterator<String[]> it;
    private final String[] header;
    private final int[] columns;
    private final int minColumns;
    private long line = 1;
    private long nextLine = 2;

    private CsvRows(Path file, Reader reader, MappingIterator<String[]> it, String[] header, int[] columns) {
        this.file = file;
        this.reader = reader;
        this.it = it;
        this.header = header;
        this.columns = columns;
        int max = -1;
        for (int c : columns) {
            max = Math.max(max, c);
        }
        this.minColumns = max + 1;
    }

    /** Opens {@code file} and checks that its header names each of {@code required} exactly once. */
    public static CsvRows open(Path file, String... required) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, 0, "file not found");
        }
        Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        try {
            MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(reader);
            if (!it.hasNextValue()) {
                throw new DataFormatException(file, 0, "file is empty");
            }
            String[] header = it.nextValue();
            Map<String, Integer> positions = new HashMap<>();
            for (int c = 0; c < header.length; c++) {
                header[c] = header[c].trim().replace("\uFEFF", "");
                if (positions.put(header[c], c) != null) {
                    throw new DataFormatException(file, 1, "duplicate header '" + header[c] + "'");
                }
            }
            int[] columns = new int[required.length];
            for (int c = 0; c < required.length; c++) {
                Integer pos = positions.get(required[c]);
                if (pos == null) {
                    throw new DataFormatException(file, 1, "header lacks column '" + required[c] + "' (expected "
                            + String.join(",", required) + ", found " + String.join(",", header) + ")");
                }
                columns[c] = pos;
            }
            return new CsvRows(file, reader, it, header, columns);
        } catch (JacksonException e) {
            reader.close();
            throw new DataFormatException(file, 1, "malformed CSV: " + e.getOriginalMessage());
        } catch (RuntimeJsonMappingException e) {
            reader.close();
            throw new DataFormatException(file, 1, "malformed CSV: " + e.getMessage());
        } catch (RuntimeException | IOException e) {
            reader.close();
            throw e;
        }
    }

    /** The header's column names, in file order. */
    public String[] header() {
        return header;
    }

    /** The next non-blank row, or null at the end of the file. */
    public String[] next() throws IOException {
        try {
            while (it.hasNextValue()) {
                // A row starts on the line where the parser stood after the previous one.
                line = nextLine;
                String[] row = it.nextValue();
                nextLine = it.getCurrentLocation().getLineNr();
                if (row.length == 1 && row[0].isBlank()) {
                    continue;
                }
                if (row.length < minColumns) {
                    throw error("expected at least " + minColumns + " columns, found " + row.length);
                }
                return row;
            }
            return null;
        } catch (RuntimeJsonMappingException e) {
            throw new DataFormatException(file, line + 1, "malformed CSV: " + e.getMessage());
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new DataFormatException(file, at == null ? line + 1 : at.getLineNr(),
                    "malformed CSV: " + e.getOriginalMessage());
        }
    }

    /** Position in the row of the {@code requiredIndex}-th required column. */
    public int column(int requiredIndex) {
        return columns[requiredIndex];
    }

    public int parseInt(String[] row, int requiredIndex, String name) {
        return parseInt(row[columns[requiredIndex]], name);
    }

    public int parseInt(String value, String name) {
        String v = value.trim();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw error(name + " '" + v + "' is not an integer");
        }
    }

    public double parseDouble(String[] row, int requiredIndex, String name) {
        return parseDouble(row[columns[requiredIndex]], name);
    }

    public double parseDouble(String value, String name) {
        String v = value.trim();
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw error(name + " '" + v + "' is not a number");
        }
    }

    public DataFormatException error(String problem) {
        return new DataFormatException(file, line, problem);
    }

    @Override
    public void close() throws IOException {
        it.close();
        reader.close();
    }
}
