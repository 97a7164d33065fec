package io.recommender.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the images of trained models go: Amazon ECR or any OCI registry. Exactly one is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.ecr) != has(self.oci)", message = "set exactly one of registry.ecr and registry.oci")
public record RegistrySpec(Ecr ecr, Oci oci) {

    /** An ECR repository; credentials come from the operator's AWS identity (IRSA on EKS). */
    @ValidationRule(value = "self.repository.matches('^[a-z0-9]+([._/-][a-z0-9]+)*$')", fieldPath = ".repository",
            messageExpression = "'repository \"' + self.repository + '\" is not an ECR repository name: lower-case "
                    + "letters and digits, separated by single ., _, - or /, e.g. recommenders/movies (no registry "
                    + "host: the operator adds it)'")
    @ValidationRule(value = "self.region.matches('^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$')", fieldPath = ".region",
            messageExpression = "'region \"' + self.region + '\" is not an AWS region like eu-west-1 or us-east-2'")
    public record Ecr(
            @Required @Size(min = 2, max = 256)
            @JsonPropertyDescription("Repository name, e.g. recommenders/movies; created when missing.")
            String repository,
            @Required @Size(max = 32)
            @JsonPropertyDescription("AWS region, e.g. eu-west-1.")
            String region,
            @Default("10") @Min(1) @Max(1000)
            @JsonPropertyDescription("Model versions kept by the repository's lifecycle policy.")
            Integer keepVersions) {}

    /** Any OCI registry, with a user-supplied docker-config Secret for push and pull. */
    @ValidationRule(value = "self.repository.matches('^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
            + "(\\\\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*)(:[0-9]{1,5})?"
            + "(/[a-z0-9]+((\\\\.|_|__|-+)[a-z0-9]+)*)+$')", fieldPath = ".repository",
            messageExpression = "'repository \"' + self.repository + '\" is not a registry host with a repository path, "
                    + "e.g. registry.example.com:5000/recommenders/movies (lower-case path, no tag: the operator "
                    + "tags each model version)'")
    @ValidationRule(value = "!has(self.secretName) || !format.dns1123Subdomain().validate(self.secretName).hasValue()",
            fieldPath = ".secretName", messageExpression = "'secretName \"' + self.secretName + '\" is not a Secret "
                    + "name: lower-case letters, digits, - and ., starting and ending with a letter or digit'")
    public record Oci(
            @Required @Size(min = 3, max = 255)
            @JsonPropertyDescription("Repository, e.g. registry.example.com:5000/recommenders/movies.")
            String repository,
            @Size(max = 253)
            @JsonPropertyDescription("Secret of type kubernetes.io/dockerconfigjson with push and pull credentials.")
            String secretName,
            @Default("false") @JsonPropertyDescription("Allow plain HTTP (test registries only).")
            Boolean insecure) {}
}
