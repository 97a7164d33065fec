package io.recommender.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrinterColumnOrderTest {
    static final String SORTED_BY_PATH = """
            spec:
              versions:
              - additionalPrinterColumns:
                - jsonPath: ".metadata.creationTimestamp"
                  name: "Age"
                  type: "date"
                - jsonPath: ".status.phase"
                  name: "Phase"
                  type: "string"
                - jsonPath: ".status.x"
                  name: "Other"
                  priority: 1
                  type: "string"
                - jsonPath: ".spec.topology"
                  name: "Topology"
                  type: "string"
                name: "v1alpha1"
                served: true
            """;

    @Test
    void itemsFollowTheDeclaredOrderWithEveryLineKept() {
        String reordered = PrinterColumnOrder.reorder(SORTED_BY_PATH, List.of("Phase", "Topology", "Age"));

        assertThat(reordered).isEqualTo("""
                spec:
                  versions:
                  - additionalPrinterColumns:
                    - jsonPath: ".status.phase"
                      name: "Phase"
                      type: "string"
                    - jsonPath: ".spec.topology"
                      name: "Topology"
                      type: "string"
                    - jsonPath: ".metadata.creationTimestamp"
                      name: "Age"
                      type: "date"
                    - jsonPath: ".status.x"
                      name: "Other"
                      priority: 1
                      type: "string"
                    name: "v1alpha1"
                    served: true
                """);
    }

    @Test
    void theRecommendersColumnsStartWithPhaseAndEndWithAge() {
        List<String> declared = PrinterColumnOrder.declared();
        assertThat(declared.get(0)).isEqualTo("Phase");
        assertThat(declared.get(declared.size() - 1)).isEqualTo("Age");
    }
}
