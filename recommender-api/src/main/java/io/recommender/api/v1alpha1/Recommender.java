package io.recommender.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One recommender system: a model, how it is served, and the latency it must meet before taking traffic. */
@Group(Recommender.GROUP)
@Version(Recommender.VERSION)
@ShortNames("rec")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Model", jsonPath = ".status.stable.modelVersion",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Recall@10", jsonPath = ".status.stable.metrics.recallAt10",
        type = AdditionalPrinterColumn.Type.NUMBER, priority = 1)
@AdditionalPrinterColumn(name = "Topology", jsonPath = ".spec.topology", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "P99-ms", jsonPath = ".status.lastLoadTest.p99Ms",
        type = AdditionalPrinterColumn.Type.NUMBER)
// The stable version on live traffic, while its analysis after promotion (slo.analysis) runs and after it.
@AdditionalPrinterColumn(name = "Live-P99-ms", jsonPath = ".status.analysis.p99Ms",
        type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "SLO-P99-ms", jsonPath = ".status.lastLoadTest.sloP99Ms",
        type = AdditionalPrinterColumn.Type.NUMBER)
// kubectl get -o wide: how much of the gate's p99 was the result cache.
@AdditionalPrinterColumn(name = "Cache-Hits", jsonPath = ".status.lastLoadTest.cacheHitShare",
        type = AdditionalPrinterColumn.Type.NUMBER, priority = 1)
@AdditionalPrinterColumn(name = "Computed-P99-ms", jsonPath = ".status.lastLoadTest.computedP99Ms",
        type = AdditionalPrinterColumn.Type.NUMBER, priority = 1)
@ValidationRule(value = "self.metadata.name.size() <= 40",
        message = "metadata.name must be at most 40 characters: the operator derives Job and Service names from it")
@ValidationRule(value = "self.metadata.name.size() > 40 || self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
        message = "metadata.name must start with a lower-case letter and hold only lower-case letters, digits and '-', "
                + "ending with a letter or digit (no '.'): it names the Recommender's Services, e.g. <name>-candidate")
// kubectl get -o wide: a training schedule's next tick (a string: a date column shows no future time).
@AdditionalPrinterColumn(name = "Next-Run", jsonPath = ".status.schedule.nextTick",
        type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Recommender extends CustomResource<RecommenderSpec, RecommenderStatus> implements Namespaced {
    public static final String GROUP = "recommender.io";
    public static final String VERSION = "v1alpha1";
}
