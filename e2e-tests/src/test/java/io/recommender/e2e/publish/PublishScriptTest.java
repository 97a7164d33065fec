package io.recommender.e2e.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/publish.sh refuses what cannot work before it builds or pushes anything, and writes no overlay. */
class PublishScriptTest {
    @TempDir
    Path dir;

    private PublishScript refused(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = dir.resolve("install");
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--out";
        all[args.length + 1] = out.toString();
        PublishScript r = PublishScript.run(env, all);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString()).doesNotContain("building and pushing");
        assertThat(out).doesNotExist();
        return r;
    }

    @Test
    void aRegistryThatIsNotOneIsRefused() throws Exception {
        assertThat(refused(Map.of(), "https://registry.example.com").out())
                .contains("give the registry without a scheme: registry.example.com");
        assertThat(refused(Map.of(), "Registry.example.com/Team").out())
                .contains("is not a registry: give HOST[:PORT][/PATH] in lower case");
        assertThat(refused(Map.of(), "localhost:5000/operator:1.0").out())
                .contains("without a tag or digest");
        assertThat(refused(Map.of()).out()).contains("publish.sh REGISTRY");
    }

    @Test
    void anUnreachableRegistryIsSaidSoBeforeTheBuild() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(refused(Map.of(), "127.0.0.1:" + port).out())
                .contains("no registry answers at 127.0.0.1:" + port, "Couldn't connect to server",
                        "add --insecure", "nothing was built or pushed");
        assertThat(refused(Map.of(), "127.0.0.1:" + port, "--insecure").out())
                .contains("no registry answers at 127.0.0.1:" + port).doesNotContain("add --insecure");
    }

    @Test
    void anEcrRegistryWithoutCredentialsIsToldHowToLogIn() throws Exception {
        Path config = Files.createDirectories(dir.resolve("docker"));
        Files.writeString(config.resolve("config.json"), "{\"auths\": {\"ghcr.io\": {\"auth\": \"eDp5\"}}}");
        String ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        // PATH without docker-credential-ecr-login, whatever this machine has.
        String out = refused(Map.of("DOCKER_CONFIG", config.toString(), "PATH", "/usr/bin:/bin"), ecr).out();
        assertThat(out).contains("no credentials for the ECR registry " + ecr,
                "aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin " + ecr,
                "aws ecr create-repository --region eu-west-1", "nothing was built or pushed");
    }
}
