package io.recommender.local;

import io.recommender.api.v1alpha1.SloSpec;
import io.recommender.contracts.loadtest.LoadTestReport;
import io.recommender.contracts.loadtest.ReportJson;
import io.recommender.api.gate.LoadTestArgs;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The latency gate on this machine: the load-test program, with the arguments the operator's gate Job gets,
 * against the local service; its report file is the verdict.
 */
final class GateStep {
    /** Beyond the SLO's duration: JVM start, connecting, writing the report. */
    static final long GRACE_SECONDS = 120;

    private GateStep() {}

    /** @param bundle the served bundle: the load asks about its users, as the gate Job does about the candidate's */
    static LoadTestReport run(ProjectLayout layout, SloSpec slo, URI target, Path bundle, Path report)
            throws IOException, InterruptedException {
        Files.deleteIfExists(report);
        List<String> command = new ArrayList<>(List.of(ProjectLayout.java(), "-jar", layout.loadTestJar().toString()));
        command.addAll(LoadTestArgs.of(slo, target.toString(), bundle.toString()));
        command.addAll(List.of("--report-out", report.toString()));
        try (ChildProcess loadTest = ChildProcess.start("load-test", command, Map.of(),
                report.resolveSibling("load-test.log"))) {
            int exit = loadTest.waitFor(LoadTestArgs.warmupSeconds(slo) + LoadTestArgs.durationSeconds(slo) + GRACE_SECONDS);
            if (!Files.isRegularFile(report)) {
                throw new LocalPipelineException("the load test wrote no report (exit " + exit + "); its log ends:\n"
                        + loadTest.logTail(30));
            }
        }
        return ReportJson.read(Files.readString(report));
    }
}
