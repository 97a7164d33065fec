package io.recommender.operator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Least privilege: the ECR actions the operator's IAM policy (eksctl/iam/ecr-push.json) grants are exactly the
 * ECR calls its adapter makes (each named in a {@code call("Operation", ...)}) plus what the packaging step's
 * push needs (Jib's registry protocol: layer checks and uploads, the manifest, and reading the repository).
 */
class EcrIamPolicyTest {
    static final Path ADAPTER = Path.of("src/main/java/io/recommender/operator/aws/EcrRegistry.java");
    static final Path POLICY = Path.of("..", "eksctl", "iam", "ecr-push.json");
    static final Set<String> PUSH = Set.of("ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer");

    @Test
    void thePolicyGrantsExactlyTheCallsTheAdapterAndThePushMake() throws Exception {
        Set<String> needed = new TreeSet<>(PUSH);
        Matcher m = Pattern.compile("call\\(\"([A-Za-z]+)\"").matcher(Files.readString(ADAPTER));
        while (m.find()) {
            needed.add("ecr:" + m.group(1));
        }
        assertThat(needed).contains("ecr:CreateRepository", "ecr:GetAuthorizationToken");

        Set<String> granted = IamPolicies.granted(POLICY);
        assertThat(granted).as(POLICY + " against the calls in " + ADAPTER).isEqualTo(needed);
    }
}
