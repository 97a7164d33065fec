package io.recommender.e2e.publish;

import io.recommender.testsupport.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** scripts/publish.sh, run as a user runs it, from the repository root. */
record PublishScript(int exit, String out) {
    static PublishScript run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", Repo.ROOT.resolve("scripts/publish.sh").toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("publish", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(Repo.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("publish.sh did not finish in 10 minutes: " + Files.readString(log));
        }
        String out = Files.readString(log);
        Files.delete(log);
        return new PublishScript(p.exitValue(), out);
    }

    @Override
    public String toString() {
        return "publish.sh exited " + exit + ":\n" + out;
    }
}
