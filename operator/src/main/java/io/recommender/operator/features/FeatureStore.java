package io.recommender.operator.features;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.recommender.api.v1alpha1.FeaturesSpec;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.TrainingSpec;
import io.recommender.operator.naming.SpecHashes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Redis feature store as the recommender pods and the initial load reach it, resolved from
 * {@code spec.features}: the URL (never with a password: the password reaches a pod only as a Secret reference),
 * the key prefix, and the data its initial load replays. Pure.
 *
 * @param url redis://host:port or rediss://host:port (a Service becomes its cluster DNS name)
 * @param prefix the key prefix
 * @param password the Secret key of the password, or null
 * @param dataset the training spec's dataset, which the initial load replays; null for an artifact (no load)
 * @param loadHash hash of (dataset, url, prefix): the initial load's Job name, so it runs once per change; null
 *     without a dataset
 */
public record FeatureStore(String url, String prefix, FeaturesSpec.PasswordSecretRef password, String dataset,
        String loadHash) {
    /** The service's settings (runtime-image's FeatureSourceConfig reads these names). */
    public static final String SOURCE_ENV = "RECOMMENDER_FEATURE_SOURCE";
    public static final String URL_ENV = "RECOMMENDER_REDIS_URL";
    public static final String PREFIX_ENV = "RECOMMENDER_REDIS_PREFIX";
    public static final String PASSWORD_ENV = "RECOMMENDER_REDIS_PASSWORD";
    public static final int DEFAULT_PORT = 6379;
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^@/\\s]*@");

    /** The feature store of the spec as it is now; null for Bundle. */
    public static FeatureStore of(Recommender r) {
        return of(r, r.getSpec().features());
    }

    private static FeatureStore of(Recommender r, FeaturesSpec features) {
        if (!redis(features)) {
            return null;
        }
        FeaturesSpec.RedisSpec redis = features.redis();
        String url;
        if (redis.url() != null) {
            url = redis.url();
        } else {
            // <name> is in the Recommender's namespace; <name>.<namespace> already names one.
            String host = redis.service().contains(".") ? redis.service()
                    : redis.service() + "." + r.getMetadata().getNamespace();
            url = (Boolean.TRUE.equals(redis.tls()) ? "rediss://" : "redis://") + host + ".svc:"
                    + (redis.port() == null ? DEFAULT_PORT : redis.port());
        }
        String prefix = redis.prefix() != null ? redis.prefix() : defaultPrefix(r);
        TrainingSpec training = r.getSpec().model().training();
        String dataset = training == null ? null : training.dataset();
        String loadHash = dataset == null ? null : SpecHashes.of(List.of(dataset, url, prefix));
        return new FeatureStore(url, prefix, redis.passwordSecretRef(), dataset, loadHash);
    }

    /** Source Redis (with its redis block, which the CRD requires). */
    public static boolean redis(FeaturesSpec features) {
        return features != null && features.source() == FeaturesSpec.FeatureSource.Redis && features.redis() != null;
    }

    /** What a version records of the spec's feature store: null for Bundle (whose versions stay as they were). */
    public static ModelVersion.FeatureStoreRef versionFeatures(Recommender r) {
        FeatureStore store = of(r);
        return store == null ? null : new ModelVersion.FeatureStoreRef(store.url(), store.prefix(),
                store.password() == null ? null : store.password().name(),
                store.password() == null ? null : store.password().key());
    }

    /** {@code <namespace>:<name>:}: Recommenders sharing one Redis keep apart, and a renamed one starts afresh. */
    public static String defaultPrefix(Recommender r) {
        return FeaturesSpec.defaultPrefix(r.getMetadata().getNamespace(), r.getMetadata().getName());
    }

    /** A version's recommender container settings (none for Bundle); the password only as a Secret reference. */
    public static List<EnvVar> env(ModelVersion.FeatureStoreRef features) {
        if (features == null) {
            return List.of();
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(SOURCE_ENV, "redis", null));
        env.add(new EnvVar(URL_ENV, features.url(), null));
        env.add(new EnvVar(PREFIX_ENV, features.prefix(), null));
        if (features.passwordSecretName() != null) {
            env.add(passwordEnv(features.passwordSecretName(), features.passwordSecretKey()));
        }
        return env;
    }

    public static EnvVar passwordEnv(String secret, String key) {
        return new EnvVarBuilder().withName(PASSWORD_ENV).withNewValueFrom().withNewSecretKeyRef()
                .withName(secret).withKey(key).withOptional(false).endSecretKeyRef().endValueFrom().build();
    }

    /** A text from outside (a Job's log) with any {@code user:password@} of a URL masked, for status and Events. */
    public static String masked(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("***@");
    }
}
