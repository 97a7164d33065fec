package io.recommender.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Puts the generated CRD's printer columns in the order {@link Recommender} declares them (Phase, Ready, Model, ...,
 * Age): fabric8's generator sorts them by JSON path, and kubectl shows them in the CRD's order. Run by the build
 * after the generator (exec-maven-plugin, process-test-classes); the text is rearranged item by item, nothing else
 * in the file changes.
 */
public final class PrinterColumnOrder {
    private PrinterColumnOrder() {}

    public static void main(String[] args) throws IOException {
        Path crd = Path.of(args[0]);
        Files.writeString(crd, reorder(Files.readString(crd), declared()));
    }

    /** The columns' names in declaration order. */
    static List<String> declared() {
        return Arrays.stream(Recommender.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
    }

    /** The CRD text with each version's additionalPrinterColumns items in {@code order} (unknown names last). */
    static String reorder(String yaml, List<String> order) {
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).trim().replaceFirst("^- ", "").equals("additionalPrinterColumns:")) {
                continue;
            }
            int start = i + 1;
            if (start >= lines.size() || !lines.get(start).trim().startsWith("- ")) {
                continue;
            }
            String itemPrefix = lines.get(start).substring(0, lines.get(start).indexOf('-')) + "- ";
            int itemIndent = itemPrefix.length() - 2;
            List<List<String>> items = new ArrayList<>();
            int j = start;
            while (j < lines.size()) {
                String line = lines.get(j);
                if (line.startsWith(itemPrefix)) {
                    items.add(new ArrayList<>(List.of(line)));
                } else if (indent(line) > itemIndent + 1 && !items.isEmpty()) {
                    items.get(items.size() - 1).add(line);
                } else {
                    break;
                }
                j++;
            }
            items.sort(Comparator.comparingInt(item -> {
                int at = order.indexOf(name(item, itemIndent));
                return at < 0 ? Integer.MAX_VALUE : at;
            }));
            List<String> sorted = items.stream().flatMap(List::stream).toList();
            for (int k = 0; k < sorted.size(); k++) {
                lines.set(start + k, sorted.get(k));
            }
            i = j - 1;
        }
        return String.join("\n", lines) + (yaml.endsWith("\n") ? "\n" : "");
    }

    private static String name(List<String> item, int itemIndent) {
        for (String line : item) {
            String field = line.substring(Math.min(line.length(), itemIndent + 2));
            if (field.startsWith("name:")) {
                return field.substring("name:".length()).trim().replaceAll("^\"|\"$", "");
            }
        }
        return "";
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
