package io.recommender.operator.registry;

import io.fabric8.kubernetes.api.model.Secret;
import io.recommender.api.v1alpha1.ModelVersion;
import io.recommender.api.v1alpha1.Recommender;
import io.recommender.api.v1alpha1.RegistrySpec;
import io.recommender.operator.naming.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, at the start of a reconcile, whether a Recommender's registry is usable, and for ECR fetches a new
 * login when the credentials Secret is missing, for another repository, or due for refresh. The login is
 * written to the Secret by the workflow ({@code RegistryCredentialsSecret}); nothing here logs it.
 */
public final class RegistryAccess {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryAccess.class);
    /** While a refresh fails but the old token still works, how soon to try again. */
    static final Duration RETRY_WHILE_USABLE = Duration.ofMinutes(1);

    private final ManagedRegistry ecr;
    /** Promoted versions whose images carry the promoted tags, by repository and images: tagged once per run. */
    private final Set<String> protectedVersions = ConcurrentHashMap.newKeySet();

    public RegistryAccess(ManagedRegistry ecr) {
        this.ecr = ecr;
    }

    /**
     * @param state what the pipeline sees
     * @param freshLogin a login to write to the Secret now, or null to leave the Secret as it is
     * @param wakeUp when to look again without an event (a refresh), or null
     */
    public record Outcome(RegistryState state, RegistryLogin freshLogin, Instant wakeUp) {}

    /**
     * Marks the stable version's images in an ECR repository as promoted, so the lifecycle policy keeps them while
     * history may name them (see {@code LifecyclePolicy}). A failure is logged and tried again at the next
     * reconcile; it changes nothing that serves.
     */
    public void protect(Recommender r, ModelVersion stable) {
        RegistrySpec reg = r.getSpec().registry();
        if (reg == null || reg.ecr() == null || stable == null || stable.image() == null) {
            return;
        }
        String key = reg.ecr().region() + "/" + reg.ecr().repository() + " " + stable.image() + " "
                + stable.tfServingImage();
        if (protectedVersions.contains(key)) {
            return;
        }
        try {
            ecr.protect(reg.ecr(), stable.modelVersion(), stable.image(), stable.tfServingImage());
            protectedVersions.add(key);
        } catch (RegistryException x) {
            LOG.warn("Recommender {}/{}: version {}'s images not marked as promoted in {}: {}: {}",
                    r.getMetadata().getNamespace(), r.getMetadata().getName(), stable.modelVersion(),
                    reg.ecr().repository(), x.reason(), x.getMessage());
        }
    }

    public Outcome check(Recommender r, Secret cached, Instant now) {
        RegistrySpec reg = r.getSpec().registry();
        if (reg == null) {
            return new Outcome(RegistryState.NONE, null, null);
        }
        if (reg.oci() != null) {
            return new Outcome(new RegistryState.Ready(new PushTarget(reg.oci().repository(), reg.oci().secretName(),
                    Boolean.TRUE.equals(reg.oci().insecure()))), null, null);
        }
        RegistrySpec.Ecr e = reg.ecr();
        String secret = Names.registryCredentials(r);
        if (!RegistryCredentials.refreshDue(cached, e, now)) {
            return new Outcome(new RegistryState.Ready(new PushTarget(RegistryCredentials.repositoryUri(cached), secret,
                    false)), null, RegistryCredentials.refreshAt(cached));
        }
        try {
            RegistryLogin login = ecr.prepare(e);
            LOG.info("registry credentials for {}/{} ({}) renewed, valid until {}", r.getMetadata().getNamespace(),
                    r.getMetadata().getName(), login.repositoryUri(), login.expiresAt());
            return new Outcome(new RegistryState.Ready(new PushTarget(login.repositoryUri(), secret, false)), login,
                    RegistryCredentials.refreshAt(login.expiresAt(), now));
        } catch (RegistryException x) {
            LOG.warn("registry credentials for {}/{} not renewed: {}: {}", r.getMetadata().getNamespace(),
                    r.getMetadata().getName(), x.reason(), x.getMessage());
            if (RegistryCredentials.usable(cached, e, now)) {
                return new Outcome(new RegistryState.Ready(new PushTarget(RegistryCredentials.repositoryUri(cached),
                        secret, false)), null, now.plus(RETRY_WHILE_USABLE));
            }
            return new Outcome(new RegistryState.Unavailable(x.reason(), x.getMessage()), null, null);
        }
    }
}
