package io.recommender.bundle;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** {@code titles.tsv}: one line per movie, id, tab, title. Tabs and line breaks in titles become spaces. */
public final class Titles {
    private Titles() {}

    public static void write(Path file, Map<Integer, String> titles) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map.Entry<Integer, String> e : new TreeMap<>(titles).entrySet()) {
                w.write(e.getKey() + "\t" + e.getValue().replaceAll("[\t\r\n]", " ") + "\n");
            }
        }
    }

    public static Map<Integer, String> read(Path file) throws IOException {
        Map<Integer, String> titles = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                int tab = line.indexOf('\t');
                try {
                    titles.put(Integer.parseInt(line.substring(0, Math.max(tab, 0))), line.substring(tab + 1));
                } catch (NumberFormatException e) {
                    throw new BundleException(file + ":" + lineNo + ": expected '<movie id><tab><title>'");
                }
            }
        }
        return titles;
    }
}
