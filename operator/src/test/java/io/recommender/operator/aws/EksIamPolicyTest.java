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
 * Least privilege: the EKS actions the operator's IAM policy (eksctl/iam/eks-nodegroups.json) grants are exactly
 * the EKS calls its adapter makes, read from the adapter's source ({@code eks.operation(}).
 */
class EksIamPolicyTest {
    static final Path ADAPTER = Path.of("src/main/java/io/recommender/operator/aws/EksNodeGroups.java");
    static final Path POLICY = Path.of("..", "eksctl", "iam", "eks-nodegroups.json");

    @Test
    void thePolicyGrantsExactlyTheCallsTheAdapterMakes() throws Exception {
        Set<String> called = new TreeSet<>();
        Matcher m = Pattern.compile("\\beks\\.([a-z][A-Za-z]+)\\(").matcher(Files.readString(ADAPTER));
        while (m.find()) {
            if (!m.group(1).equals("close")) {
                called.add("eks:" + Character.toUpperCase(m.group(1).charAt(0)) + m.group(1).substring(1));
            }
        }
        assertThat(called).containsExactly("eks:DescribeNodegroup", "eks:ListNodegroups", "eks:UpdateNodegroupConfig");

        Set<String> granted = IamPolicies.granted(POLICY);
        assertThat(granted).as(POLICY + " against the calls in " + ADAPTER).isEqualTo(called);
    }
}
